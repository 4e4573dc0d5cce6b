package dev.vmcore.shell;

import dev.vmcore.commands.CommandException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Splits what the user typed into commands, like crash: {@code ;} separates commands,
 * {@code | pipeline} sends a command's output through /bin/sh, {@code > file} and {@code >> file}
 * write it to a file. Single and double quotes group words and protect these characters.
 */
public final class LineParser {
    private LineParser() {
    }

    /** Parses a line; blank segments and {@code #} comments yield nothing. */
    public static List<ParsedCommand> parse(String line) {
        List<ParsedCommand> result = new ArrayList<>();
        for (String segment : splitUnquoted(line, ';')) {
            String trimmed = segment.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            result.add(parseOne(trimmed));
        }
        return result;
    }

    private static ParsedCommand parseOne(String segment) {
        int special = firstUnquoted(segment, "|>");
        String commandPart = special < 0 ? segment : segment.substring(0, special).strip();
        Optional<String> pipeline = Optional.empty();
        Optional<ParsedCommand.Redirect> redirect = Optional.empty();
        if (special >= 0 && segment.charAt(special) == '|') {
            String rest = segment.substring(special + 1).strip();
            if (rest.isEmpty()) {
                throw new CommandException("missing command after '|'");
            }
            pipeline = Optional.of(rest);
        } else if (special >= 0) {
            boolean append = special + 1 < segment.length() && segment.charAt(special + 1) == '>';
            List<String> target = words(segment.substring(special + (append ? 2 : 1)));
            if (target.size() != 1) {
                throw new CommandException(target.isEmpty() ? "missing file name after '>'"
                        : "one file name expected after '>', got: " + String.join(" ", target));
            }
            redirect = Optional.of(new ParsedCommand.Redirect(target.get(0), append));
        }
        List<String> words = words(commandPart);
        if (words.isEmpty()) {
            throw new CommandException("missing command before '" + segment.charAt(special) + "'");
        }
        return new ParsedCommand(commandPart, words.get(0), words.subList(1, words.size()), pipeline, redirect);
    }

    /** Whitespace-separated words; quotes group and are removed. */
    static List<String> words(String s) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new CommandException("unterminated " + quote + " quote");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    private static List<String> splitUnquoted(String s, char separator) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == separator) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static int firstUnquoted(String s, String chars) {
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (chars.indexOf(c) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
