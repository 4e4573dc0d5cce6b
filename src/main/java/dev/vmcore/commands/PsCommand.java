package dev.vmcore.commands;

import dev.vmcore.kernel.TaskInfo;
import dev.vmcore.kernel.Tasks;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** ps: process status of every task, in crash's layout, with crash's -k, -u, -G and selectors. */
final class PsCommand implements Command {
    static final String HEADER = "      PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM";

    @Override
    public String name() {
        return "ps";
    }

    @Override
    public String summary() {
        return "process status of the dumped system's tasks";
    }

    @Override
    public String help() {
        return """
                NAME
                  ps - display process status information

                SYNOPSIS
                  ps [-k|-u|-G] [pid | taskp | command] ...

                DESCRIPTION
                  Lists every task: each CPU's idle task, each process on init_task.tasks and its
                  threads, sorted by PID, with crash's columns PID, PPID, CPU, TASK, ST, %MEM, VSZ,
                  RSS (both in KB) and COMM. '>' marks the task each CPU was running; kernel
                  threads' names are in [brackets]. With arguments, only the tasks they select: a
                  decimal PID, a hexadecimal task_struct address, a command name (precede an
                  all-digit name with "\\"), or a 'quoted' regular expression over command names.
                  As in crash, a number that names no task is an error, while a command name that
                  matches none just gives the header.

                    -k  kernel threads only.
                    -u  user tasks only.
                    -G  thread group leaders only.
                  --json gives an array "tasks" with the same fields.
                """;
    }

    @Override
    public void run(Invocation call) {
        Options opts = Options.parse(name(), call.args(), Set.of("-k", "-u", "-G"));
        String kind = opts.oneOf(name(), "-k", "-u");
        Tasks tasks = Tasks.read(call.session());
        List<String> errors = new ArrayList<>();
        List<TaskInfo> selected = select(tasks.all(), opts.positional(), errors);
        List<TaskInfo> shown = filter(selected, kind, opts.has("-G"));
        Printer out = call.out();
        if (out.isJson()) {
            json(out.json(), shown, tasks, errors);
            return;
        }
        for (String e : errors) {
            out.println(e);
            out.println("");
        }
        out.println(HEADER);
        for (TaskInfo t : shown) {
            out.println(line(t, tasks.totalRamPages(), tasks.pageSize()));
        }
        tasks.problems().forEach(p -> out.println("ps: " + p));
    }

    /**
     * crash's SHOW_PS_DATA filters: {@code -k} kernel threads only, {@code -u} user tasks only (kind,
     * or null), {@code -G} thread group leaders only (pid == tgid; each CPU's idle task leads its own).
     */
    static List<TaskInfo> filter(List<TaskInfo> tasks, String kind, boolean groupLeaders) {
        return tasks.stream()
                .filter(t -> !"-k".equals(kind) || t.isKernelThread())
                .filter(t -> !"-u".equals(kind) || !t.isKernelThread())
                .filter(t -> !groupLeaders || t.isGroupLeader())
                .toList();
    }

    /** The tasks the arguments select, in table order; all of them without arguments. */
    static List<TaskInfo> select(List<TaskInfo> all, List<String> args, List<String> errors) {
        if (args.isEmpty()) {
            return all;
        }
        Set<TaskInfo> chosen = new LinkedHashSet<>();
        for (String a : args) {
            List<TaskInfo> hits = matches(all, a);
            if (hits.isEmpty() && isNumber(a)) {
                // crash (task.c cmd_ps): a number naming no task is an error; a name matching none is not
                errors.add("ps: invalid task or pid value: " + a);
            }
            chosen.addAll(hits);
        }
        return all.stream().filter(chosen::contains).toList();
    }

    /** crash's IS_A_NUMBER: decimal, or hexadecimal with or without 0x. */
    private static boolean isNumber(String a) {
        String digits = a.startsWith("0x") || a.startsWith("0X") ? a.substring(2) : a;
        return !digits.isEmpty() && digits.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    private static List<TaskInfo> matches(List<TaskInfo> all, String a) {
        if (a.chars().allMatch(Character::isDigit)) {
            try {
                int pid = Integer.parseInt(a);
                List<TaskInfo> byPid = all.stream().filter(t -> t.pid() == pid).toList();
                if (!byPid.isEmpty()) {
                    return byPid;
                }
            } catch (NumberFormatException e) {
                // too long for a PID: try it as an address
            }
        }
        OptionalLong address = Numbers.hexAddress(a);
        if (address.isPresent()) {
            List<TaskInfo> byTask = all.stream().filter(t -> t.address() == address.getAsLong()).toList();
            if (!byTask.isEmpty()) {
                return byTask;
            }
        }
        if (a.length() >= 2 && a.startsWith("'") && a.endsWith("'")) {
            try {
                Pattern p = Pattern.compile(a.substring(1, a.length() - 1));
                return all.stream().filter(t -> p.matcher(t.comm()).find()).toList();
            } catch (PatternSyntaxException e) {
                throw new CommandException("ps: invalid regular expression: " + a);
            }
        }
        String comm = a.startsWith("\\") ? a.substring(1) : a;
        return all.stream().filter(t -> t.comm().equals(comm)).toList();
    }

    /** One line of crash's table. */
    static String line(TaskInfo t, long totalRamPages, int pageSize) {
        long kb = pageSize / 1024;
        String comm = t.isKernelThread() ? "[" + t.comm() + "]" : t.comm();
        return String.format(Locale.ROOT, "%s%8d%8d%4d  %016x  %s %5.1f %8d %8d  %s", t.active() ? ">" : " ", t.pid(),
                t.ppid(), t.cpu(), t.address(), t.stateLetters(), memPercent(t.rss(), totalRamPages), t.totalVm() * kb,
                t.rss() * kb, comm);
    }

    /** rss as a percentage of totalram_pages (0 when unknown). */
    static double memPercent(long rssPages, long totalRamPages) {
        return totalRamPages <= 0 ? 0.0 : rssPages * 100.0 / totalRamPages;
    }

    private static void json(JsonOut j, List<TaskInfo> shown, Tasks tasks, List<String> errors) {
        long kb = tasks.pageSize() / 1024;
        j.beginArray("tasks");
        for (TaskInfo t : shown) {
            j.beginObject().field("pid", t.pid()).field("ppid", t.ppid()).field("tgid", t.tgid()).field("cpu", t.cpu())
                    .hex("task", t.address()).field("state", t.stateLetters()).hex("stateValue", t.state())
                    .field("memPercent", String.format(Locale.ROOT, "%.1f", memPercent(t.rss(), tasks.totalRamPages())))
                    .field("vszKb", t.totalVm() * kb).field("rssKb", t.rss() * kb).field("comm", t.comm())
                    .field("kernelThread", t.isKernelThread()).field("active", t.active()).field("idle", t.idle()).end();
        }
        j.end();
        j.beginArray("problems");
        errors.forEach(j::value);
        tasks.problems().forEach(j::value);
        j.end();
    }
}
