package dev.vmcore.commands;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.memory.MemoryFault;
import dev.vmcore.memory.PhysicalMemory;
import dev.vmcore.util.ByteCursor;

import java.util.Locale;
import java.util.Set;

/** rd: display memory, in crash's layout (address, values, ASCII column). */
final class RdCommand implements Command {
    /** Upper bound on one rd: 1 MiB of output data keeps a typo like "rd addr 99999999" harmless. */
    private static final long MAX_BYTES = 1 << 20;
    private static final Set<String> FLAGS = Set.of("-8", "-16", "-32", "-64", "-s", "-a", "-p", "-u", "-x", "-d", "-D");

    @Override
    public String name() {
        return "rd";
    }

    @Override
    public String summary() {
        return "read memory";
    }

    @Override
    public String help() {
        return """
                NAME
                  rd - read memory

                SYNOPSIS
                  rd [-8|-16|-32|-64] [-s] [-a] [-p|-u] [-x|-d|-D] ADDRESS|SYMBOL [COUNT]

                DESCRIPTION
                  Displays COUNT units (default 1) of memory at ADDRESS (hex) or SYMBOL, in kernel
                  virtual memory unless -p (physical) or -u (user virtual, of the current task).
                    -8 -16 -32 -64  unit size in bits (default 64)
                    -x -d -D        hexadecimal (default, with an ASCII column), signed or unsigned decimal
                    -s              show values that are kernel addresses as symbols
                    -a              display as an ASCII string, up to a NUL or COUNT bytes
                """;
    }

    @Override
    public void run(Invocation call) {
        Options o = Options.parse(name(), call.args(), FLAGS);
        if (o.positional().isEmpty() || o.positional().size() > 2) {
            throw new CommandException("rd: usage: rd [-8|-16|-32|-64] [-s] [-a] [-p|-u] [-x|-d|-D] ADDRESS|SYMBOL [COUNT]");
        }
        String width = o.oneOf(name(), "-8", "-16", "-32", "-64");
        int unit = width == null ? 8 : Integer.parseInt(width.substring(1)) / 8;
        String format = o.oneOf(name(), "-x", "-d", "-D");
        String space = o.oneOf(name(), "-p", "-u");
        if ("-u".equals(space)) {
            throw new CommandException("rd: -u needs a task context, which this dump session does not have yet");
        }
        boolean physical = "-p".equals(space);
        long address = Addresses.resolve(call, name(), o.positional().get(0));
        long count = o.positional().size() > 1 ? Numbers.count(name(), o.positional().get(1)) : 1;
        if (count <= 0 || count * unit > MAX_BYTES) {
            throw new CommandException("rd: count " + count + " out of range (1 to " + MAX_BYTES / unit + ")");
        }
        String typeName = (unit * 8) + "-bit " + (physical ? "PHYSADDR" : "KVADDR");
        byte[] data = new byte[(int) (count * unit)];
        readMemory(call, physical, address, data, typeName);
        if (o.has("-a")) {
            ascii(call, address, data);
            return;
        }
        dump(call, address, data, unit, format == null ? "-x" : format, o.has("-s"));
    }

    private static void readMemory(Invocation call, boolean physical, long address, byte[] data, String typeName) {
        try {
            if (physical) {
                PhysicalMemory phys = call.session().dump().memory();
                phys.read(address, data, 0, data.length);
            } else {
                AddressSpace kernel = call.session().kernelMemory();
                kernel.read(address, data, 0, data.length);
            }
        } catch (MemoryFault f) {
            throw new CommandException(String.format(Locale.ROOT, "rd: invalid %s address: %x  type: \"%s\" (%s)",
                    physical ? "physical" : "kernel virtual", f.address(), typeName, f.problem()));
        }
    }

    private static void ascii(Invocation call, long address, byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        String text = new String(data, 0, end, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (call.out().isJson()) {
            call.out().json().hex("address", address).field("string", text);
        } else {
            call.out().printf("%x:  %s", address, text);
        }
    }

    private static void dump(Invocation call, long address, byte[] data, int unit, String format, boolean symbols) {
        Printer out = call.out();
        int perLine = 16 / unit;
        if (out.isJson()) {
            JsonOut j = out.json().hex("address", address).field("unitBytes", unit).beginArray("values");
            for (int i = 0; i < data.length; i += unit) {
                long v = value(data, i, unit);
                if (unit == 8) {
                    j.value(JsonOut.hexString(v));
                } else {
                    j.value(v);
                }
            }
            j.end();
            return;
        }
        int digits = unit * 2;
        for (int line = 0; line < data.length; line += 16) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%x:  ", address + line));
            int end = Math.min(data.length, line + 16);
            for (int i = line; i < end; i += unit) {
                long v = value(data, i, unit);
                String text = switch (format) {
                    case "-d" -> Long.toString(signed(v, unit));
                    case "-D" -> Long.toUnsignedString(v);
                    default -> symbols ? Addresses.symbolic(call, v, digits) : String.format("%0" + digits + "x", v);
                };
                sb.append(format.equals("-x") ? text : String.format("%" + (digits + 1) + "s", text)).append(' ');
            }
            if (format.equals("-x") && !symbols) {
                int missing = perLine - (end - line) / unit;
                sb.append(" ".repeat(missing * (digits + 1))).append("  ");
                for (int i = line; i < end; i++) {
                    int c = data[i] & 0xff;
                    sb.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
                }
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    private static long value(byte[] data, int i, int unit) {
        return switch (unit) {
            case 1 -> data[i] & 0xffL;
            case 2 -> (data[i] & 0xffL) | (data[i + 1] & 0xffL) << 8;
            case 4 -> ByteCursor.getInt(data, i) & 0xffffffffL;
            default -> ByteCursor.getLong(data, i);
        };
    }

    private static long signed(long v, int unit) {
        int shift = 64 - unit * 8;
        return (v << shift) >> shift;
    }
}
