package dev.vmcore.format.x86;

import dev.vmcore.format.elf.ElfSection;
import dev.vmcore.format.elf.ElfSymbol;
import dev.vmcore.format.elf.ElfSymbols;
import dev.vmcore.testdumps.TestDumps;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The comparison behind RealObjdumpAgreementTest and RealObjdumpIntelAgreementTest: objdump's
 * text for a file, streamed (never held whole), against this package's decoder and a formatter,
 * instruction by instruction. objdump's {@code <symbol>} annotations and whitespace are
 * normalised away. Lines where objdump itself loses the instruction stream ("(bad)", ".byte", a
 * lone prefix cut by a symbol boundary) are counted apart and skipped, with the instruction before.
 */
final class ObjdumpComparison {
    private static final Pattern LINE = Pattern.compile("^ *([0-9a-f]+):\t(.*)$");
    private static final Pattern ANNOTATION = Pattern.compile(" <[^>]*>");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern LONE_PREFIX =
            Pattern.compile("(rex(\\.[WRXB]+)?|data16|addr32|cs|ds|es|ss|fs|gs|lock|repz|repnz|rep|fwait)");

    /** Prints an instruction, as AttFormatter::format and IntelFormatter::format do. */
    interface Formatter {
        String format(Instruction i, LongFunction<Optional<String>> symbolizer);
    }

    /** The bytes of a section objdump names, and the address they sit at. */
    record SectionBytes(long address, ByteBuffer bytes) {
    }

    private ObjdumpComparison() {
    }

    /** Every executable section of the test kernel's vmlinux (the test is skipped without it, fails under CI). */
    static Stats vmlinux(String kernel, List<String> objdumpOptions, Formatter f) throws Exception {
        Path vmlinux = TestDumps.root().resolve("kernels").resolve(kernel).resolve("vmlinux");
        requirePresent(Files.isRegularFile(vmlinux), "kernel " + kernel + " not here: " + vmlinux);
        requirePresent(objdumpWorks(), "objdump (binutils) not installed");
        Stats s = new Stats();
        long t0 = System.nanoTime();
        try (ElfSymbols elf = ElfSymbols.open(vmlinux)) {
            List<String> mode = new ArrayList<>(List.of("-d"));
            mode.addAll(objdumpOptions);
            objdump(vmlinux, mode, name -> {
                ElfSection sec = elf.section(name).orElseThrow();
                return new SectionBytes(sec.addr(), elf.sectionBuffer(name).orElseThrow());
            }, symbolizer(elf.symbols()), f, s);
        }
        report("kernel " + kernel, s, t0);
        return s;
    }

    /**
     * The test kernel's modules with the vector code (x86 crypto: SSE, AVX, AVX2, AVX-512, AES-NI,
     * SHA, PCLMUL; raid6: AVX-512 masks; KVM: VMX/SVM), which vmlinux hardly has. Section bytes
     * are read as stored (unrelocated, as objdump shows them); every target gets a symbol, as
     * objdump finds one.
     */
    static Stats vectorModules(String kernel, Path tmp, List<String> objdumpOptions, Formatter f) throws Exception {
        Path modules = TestDumps.root().resolve("kernels").resolve(kernel).resolve("modules").resolve("kernel");
        requirePresent(Files.isDirectory(modules), "modules of kernel " + kernel + " not here: " + modules);
        requirePresent(objdumpWorks(), "objdump (binutils) not installed");
        List<Path> kos = new ArrayList<>();
        for (String dir : List.of("arch/x86/crypto", "arch/x86/kvm", "lib/raid6")) {
            Path d = modules.resolve(dir);
            if (Files.isDirectory(d)) {
                try (Stream<Path> files = Files.list(d)) {
                    files.filter(x -> x.toString().endsWith(".ko") || x.toString().endsWith(".ko.xz"))
                            .sorted().forEach(kos::add);
                }
            }
        }
        requirePresent(kos.size() >= 10, "vector modules of kernel " + kernel + " not here");
        Stats s = new Stats();
        long t0 = System.nanoTime();
        List<String> mode = new ArrayList<>(List.of("-d"));
        mode.addAll(objdumpOptions);
        for (Path ko : kos) {
            Path plain = ko;
            if (ko.toString().endsWith(".xz")) {
                plain = tmp.resolve(ko.getFileName().toString().replace(".xz", ""));
                Process xz = new ProcessBuilder("xz", "-dc", ko.toString()).redirectOutput(plain.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                requirePresent(xz.waitFor(60, TimeUnit.SECONDS) && xz.exitValue() == 0, "xz could not unpack " + ko);
            }
            try (ElfSymbols elf = ElfSymbols.open(plain)) {
                objdump(plain, mode, name -> {
                    ElfSection sec = elf.section(name).orElseThrow();
                    byte[] raw = elf.contents(sec).readBytes(0, Math.toIntExact(sec.size()));
                    return new SectionBytes(sec.addr(), ByteBuffer.wrap(raw));
                }, a -> Optional.of("sym"), f, s);
            }
        }
        report("modules of " + kernel + " (" + kos.size() + " files)", s, t0);
        return s;
    }

    /** Raw bytes as objdump's {@code -b binary} sees them, at address 0. */
    static Stats binary(byte[] bytes, Path tmp, List<String> objdumpOptions, Formatter f) throws Exception {
        requirePresent(objdumpWorks(), "objdump (binutils) not installed");
        Path bin = tmp.resolve("bytes.bin");
        Files.write(bin, bytes);
        Stats s = new Stats();
        long t0 = System.nanoTime();
        List<String> mode = new ArrayList<>(List.of("-D", "-b", "binary", "-m", "i386:x86-64"));
        mode.addAll(objdumpOptions);
        objdump(bin, mode, name -> new SectionBytes(0, ByteBuffer.wrap(bytes)), a -> Optional.empty(), f, s);
        report(bytes.length + " bytes", s, t0);
        return s;
    }

    private static void objdump(Path file, List<String> mode, Function<String, SectionBytes> sections,
            LongFunction<Optional<String>> symbolizer, Formatter f, Stats s) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("objdump"));
        cmd.addAll(mode);
        cmd.addAll(List.of("--no-show-raw-insn", "-w", file.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8), 1 << 20)) {
            compare(sections, r, symbolizer, f, s);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static void report(String what, Stats s, long t0) {
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("x86 decoder vs objdump, %s (%.1f s): %d instructions compared, length agreement "
                + "%d/%d = %.5f%%, text agreement %d/%d = %.5f%%, %d objdump lines skipped (bad/.byte/lone prefix)%n",
                what, secs, s.compared, s.lengthOk, s.lengthCompared, s.lengthPercent(), s.textOk, s.compared,
                s.textPercent(), s.skipped);
        s.mismatches.entrySet().stream()
                .sorted(Map.Entry.<String, int[]>comparingByValue(Comparator.comparingInt(a -> -a[0])))
                .limit(40)
                .forEach(e -> System.out.printf("  %6d  %s   e.g. %s%n", e.getValue()[0], e.getKey(),
                        s.examples.get(e.getKey())));
    }

    static void compare(Function<String, SectionBytes> sections, BufferedReader r,
            LongFunction<Optional<String>> symbolizer, Formatter f, Stats s) throws IOException {
        ByteBuffer section = null;
        long sectionAddr = 0;
        byte[] window = new byte[X86Decoder.MAX_LENGTH];
        Instruction prev = null;
        String prevText = null;
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith("Disassembly of section ")) {
                String name = line.substring("Disassembly of section ".length(), line.length() - 1);
                SectionBytes sec = sections.apply(name);
                section = sec.bytes();
                sectionAddr = sec.address();
                prev = null;
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches() || section == null) {
                if (line.startsWith("\t...")) {
                    prev = null; // a run of zeros objdump does not print
                }
                continue;
            }
            long addr = Long.parseUnsignedLong(m.group(1), 16);
            String theirs = normalise(m.group(2));
            if (prev != null) {
                s.lengthCompared++;
                if (prev.next() == addr) {
                    s.lengthOk++;
                } else {
                    s.mismatch("length " + prevText.split(" ")[0],
                            String.format("%x %s | %s (%d bytes)", prev.address(), prevText,
                                    normalise(f.format(prev, symbolizer)), prev.length()));
                }
            }
            if (theirs.contains("(bad)") || theirs.startsWith(".byte") || LONE_PREFIX.matcher(theirs).matches()) {
                s.skipped++;
                prev = null;
                continue;
            }
            int off = (int) (addr - sectionAddr);
            int n = Math.min(window.length, section.limit() - off);
            section.get(off, window, 0, n);
            Instruction mine = X86Decoder.decode(n == window.length ? window : Arrays.copyOf(window, n), 0, addr);
            String text = normalise(f.format(mine, symbolizer));
            s.compared++;
            if (text.equals(theirs)) {
                s.textOk++;
            } else {
                s.mismatch(theirs.split(" ")[0] + " vs " + text.split(" ")[0],
                        String.format("%x objdump: %s | ours: %s | %s", addr, theirs, text, hex(mine.bytes())));
            }
            prev = mine;
            prevText = theirs;
        }
    }

    static String normalise(String objdumpText) {
        String s = ANNOTATION.matcher(objdumpText).replaceAll("");
        return SPACES.matcher(s).replaceAll(" ").strip();
    }

    /** name+0xoff of the closest symbol at or below an address, from the vmlinux symbol table. */
    static LongFunction<Optional<String>> symbolizer(List<ElfSymbol> symbols) {
        ElfSymbol[] sorted = symbols.stream()
                .filter(e -> e.isDefined() && !e.name().isEmpty() && e.type() != ElfSymbol.STT_SECTION
                        && e.type() != ElfSymbol.STT_FILE)
                .sorted(Comparator.comparing(ElfSymbol::value, Long::compareUnsigned))
                .toArray(ElfSymbol[]::new);
        long[] values = Arrays.stream(sorted).mapToLong(ElfSymbol::value).toArray();
        return a -> {
            int lo = 0;
            int hi = values.length - 1;
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (Long.compareUnsigned(values[mid], a) <= 0) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            if (found < 0) {
                return Optional.empty();
            }
            long off = a - values[found];
            return Optional.of(sorted[found].name() + (off == 0 ? "" : "+0x" + Long.toHexString(off)));
        };
    }

    static void requirePresent(boolean present, String what) {
        if (!present && TestDumps.underCi()) {
            throw new AssertionError(what + " (required under CI)");
        }
        Assumptions.assumeTrue(present, what);
    }

    static boolean objdumpWorks() {
        try {
            Process p = new ProcessBuilder("objdump", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x ", x & 0xff));
        }
        return sb.toString().strip();
    }

    /** Counts of one comparison, and the kinds of mismatch with an example of each. */
    static final class Stats {
        long compared;
        long textOk;
        long lengthCompared;
        long lengthOk;
        long skipped;
        final Map<String, int[]> mismatches = new HashMap<>();
        final Map<String, String> examples = new HashMap<>();

        void mismatch(String key, String example) {
            mismatches.computeIfAbsent(key, k -> new int[1])[0]++;
            examples.putIfAbsent(key, example);
        }

        double lengthPercent() {
            return lengthCompared == 0 ? 100 : 100.0 * lengthOk / lengthCompared;
        }

        double textPercent() {
            return compared == 0 ? 0 : 100.0 * textOk / compared;
        }
    }
}
