package dev.vmcore.shell;

import dev.vmcore.commands.CommandException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LineParserTest {
    @Test
    void splitsCommandsOnSemicolons() {
        List<ParsedCommand> cmds = LineParser.parse("bt; log -T ;  sys");
        assertEquals(List.of("bt", "log", "sys"), cmds.stream().map(ParsedCommand::name).toList());
        assertEquals(List.of("-T"), cmds.get(1).args());
        assertEquals("log -T", cmds.get(1).text());
    }

    @Test
    void blankSegmentsAndCommentsYieldNothing() {
        assertTrue(LineParser.parse("   ").isEmpty());
        assertTrue(LineParser.parse("# just a comment").isEmpty());
        assertEquals(1, LineParser.parse(";; bt ;").size());
    }

    @Test
    void pipeTakesTheRestOfTheSegment() {
        ParsedCommand c = LineParser.parse("log | grep -i fault | head -3").get(0);
        assertEquals("log", c.name());
        assertEquals(Optional.of("grep -i fault | head -3"), c.pipeline());
        assertTrue(c.redirect().isEmpty());
    }

    @Test
    void redirectionOverwritesOrAppends() {
        ParsedCommand w = LineParser.parse("bt -a > /tmp/out.txt").get(0);
        assertEquals(Optional.of(new ParsedCommand.Redirect("/tmp/out.txt", false)), w.redirect());
        assertEquals(List.of("-a"), w.args());
        ParsedCommand a = LineParser.parse("log>>x").get(0);
        assertEquals(Optional.of(new ParsedCommand.Redirect("x", true)), a.redirect());
        assertEquals("log", a.name());
    }

    @Test
    void quotesGroupWordsAndProtectSpecialCharacters() {
        ParsedCommand c = LineParser.parse("sym -q 'a;b|c' \"two words\"").get(0);
        assertEquals(List.of("-q", "a;b|c", "two words"), c.args());
        assertTrue(c.pipeline().isEmpty());
    }

    @Test
    void malformedLinesAreUsageErrors() {
        assertEquals("missing command after '|'",
                assertThrows(CommandException.class, () -> LineParser.parse("log |")).getMessage());
        assertEquals("missing file name after '>'",
                assertThrows(CommandException.class, () -> LineParser.parse("log >")).getMessage());
        assertEquals("missing command before '|'",
                assertThrows(CommandException.class, () -> LineParser.parse("| grep x")).getMessage());
        assertTrue(assertThrows(CommandException.class, () -> LineParser.parse("sym 'abc"))
                .getMessage().contains("unterminated"));
        assertTrue(assertThrows(CommandException.class, () -> LineParser.parse("log > a b"))
                .getMessage().contains("one file name expected"));
    }
}
