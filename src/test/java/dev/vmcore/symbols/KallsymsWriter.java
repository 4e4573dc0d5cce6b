package dev.vmcore.symbols;

import dev.vmcore.symbols.KallsymsReader.Encoding;
import dev.vmcore.util.Unsigned;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * Writes kallsyms tables the way {@code scripts/kallsyms.c} does, into a test kernel image:
 * token-table compression (repeatedly replace the most frequent adjacent pair with an unused byte
 * code), {@code [len][tokens]} names with the optional two-byte length, and each address encoding.
 */
final class KallsymsWriter {
    /** One symbol to write. */
    record Sym(String name, char type, long address) {
    }

    /** Where the tables go relative to each other. */
    enum Layout {
        /** Linux 6.1: offsets, relative_base, num_syms, names, markers, token_table, token_index. */
        OFFSETS_FIRST,
        /** Linux 6.4+: num_syms, names, markers, token_table, token_index, offsets, relative_base. */
        NAMES_FIRST,
        /** Token table and index before the names, so the reader cannot bound the names by them. */
        TOKENS_FIRST
    }

    /** The written image and where its tables are. */
    record Image(byte[] bytes, long base, KallsymsLocations locations) {
        FakeKernelMemory memory() {
            return new FakeKernelMemory(base, bytes);
        }
    }

    static final long BASE = 0xffffffff82000000L;

    private final List<Sym> syms;
    private final Encoding encoding;
    private final boolean bigLengths;
    private final boolean compress;
    private final Layout layout;

    KallsymsWriter(List<Sym> syms, Encoding encoding, boolean bigLengths, boolean compress, Layout layout) {
        this.syms = new ArrayList<>(syms);
        this.syms.sort((a, b) -> Unsigned.compare(a.address(), b.address()));
        this.encoding = encoding;
        this.bigLengths = bigLengths;
        this.compress = compress;
        this.layout = layout;
    }

    Image build() {
        int[][] names = new int[syms.size()][];
        for (int i = 0; i < names.length; i++) {
            byte[] b = (syms.get(i).type() + syms.get(i).name()).getBytes(StandardCharsets.ISO_8859_1);
            names[i] = new int[b.length];
            for (int k = 0; k < b.length; k++) {
                names[i][k] = b[k] & 0xff;
            }
        }
        byte[][] tokens = compress ? compress(names) : identityTokens(names);
        byte[] nameBytes = encodeNames(names);
        byte[] tokenTable = tokenTable(tokens);
        byte[] tokenIndex = tokenIndex(tokens);

        Out out = new Out();
        long numSyms;
        long namesAt;
        long tableAt;
        long indexAt;
        long addrTable;
        long relBaseAt = -1;
        switch (layout) {
            case OFFSETS_FIRST -> {
                addrTable = out.put(addressTable(out.size()), 8);
                relBaseAt = out.put(relativeBaseBytes(), 8);
                numSyms = out.put(u32(syms.size()), 8);
                namesAt = out.put(nameBytes, 8);
                out.put(new byte[64], 8); // kallsyms_markers (not read)
                tableAt = out.put(tokenTable, 8);
                indexAt = out.put(tokenIndex, 8);
            }
            case NAMES_FIRST -> {
                numSyms = out.put(u32(syms.size()), 8);
                namesAt = out.put(nameBytes, 8);
                out.put(new byte[64], 8);
                tableAt = out.put(tokenTable, 8);
                indexAt = out.put(tokenIndex, 8);
                addrTable = out.put(addressTable(align(out.size(), 8)), 8);
                relBaseAt = out.put(relativeBaseBytes(), 8);
            }
            default -> {
                tableAt = out.put(tokenTable, 8);
                indexAt = out.put(tokenIndex, 8);
                numSyms = out.put(u32(syms.size()), 8);
                namesAt = out.put(nameBytes, 8);
                addrTable = out.put(addressTable(align(out.size(), 8)), 8);
                relBaseAt = out.put(relativeBaseBytes(), 8);
            }
        }
        out.put(new byte[16], 8);
        long stext = syms.stream().filter(s -> s.name().equals("_stext")).findFirst().orElse(syms.get(0)).address();
        boolean absolute = encoding == Encoding.ABSOLUTE;
        boolean hasRelBase = encoding == Encoding.BASE_RELATIVE || encoding == Encoding.ABSOLUTE_PERCPU;
        KallsymsLocations loc = new KallsymsLocations(BASE + namesAt, BASE + numSyms, BASE + tableAt,
                BASE + indexAt, absolute ? OptionalLong.empty() : OptionalLong.of(BASE + addrTable),
                hasRelBase ? OptionalLong.of(BASE + relBaseAt) : OptionalLong.empty(),
                absolute ? OptionalLong.of(BASE + addrTable) : OptionalLong.empty(), stext, bigLengths);
        return new Image(out.bytes(), BASE, loc);
    }

    private long relativeBase() {
        return syms.stream().mapToLong(Sym::address).filter(a -> !isPercpu(a))
                .reduce((a, b) -> Unsigned.lessThan(a, b) ? a : b).orElseThrow();
    }

    private static boolean isPercpu(long address) {
        return Unsigned.lessThan(address, 0x80000000L);
    }

    private byte[] relativeBaseBytes() {
        return encoding == Encoding.BASE_RELATIVE || encoding == Encoding.ABSOLUTE_PERCPU ? u64(relativeBase())
                : new byte[8];
    }

    /** The address table, for a table placed at image offset {@code at} (place-relative needs it). */
    private byte[] addressTable(long at) {
        int n = syms.size();
        if (encoding == Encoding.ABSOLUTE) {
            byte[] b = new byte[n * 8];
            for (int i = 0; i < n; i++) {
                System.arraycopy(u64(syms.get(i).address()), 0, b, i * 8, 8);
            }
            return b;
        }
        byte[] b = new byte[n * 4];
        long relBase = encoding == Encoding.PLACE_RELATIVE ? 0 : relativeBase();
        for (int i = 0; i < n; i++) {
            long a = syms.get(i).address();
            long v = switch (encoding) {
                case BASE_RELATIVE -> checkU32(a - relBase);
                case ABSOLUTE_PERCPU -> isPercpu(a) ? a : checkS32(relBase - 1 - a);
                case PLACE_RELATIVE -> checkS32(a - (BASE + at + 4L * i));
                case ABSOLUTE -> throw new AssertionError();
            };
            System.arraycopy(u32(v), 0, b, i * 4, 4);
        }
        return b;
    }

    private static long checkU32(long v) {
        if (v < 0 || v > 0xffffffffL) {
            throw new IllegalArgumentException("offset does not fit u32: " + v);
        }
        return v;
    }

    private static long checkS32(long v) {
        if (v != (int) v) {
            throw new IllegalArgumentException("offset does not fit s32: " + v);
        }
        return v;
    }

    private byte[] encodeNames(int[][] names) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int[] n : names) {
            int len = n.length;
            if (bigLengths && len >= 0x80) {
                b.write((len & 0x7f) | 0x80);
                b.write(len >> 7);
            } else if (len <= 0xff) {
                b.write(len);
            } else {
                throw new IllegalArgumentException("name of " + len + " tokens needs big lengths");
            }
            for (int c : n) {
                b.write(c);
            }
        }
        return b.toByteArray();
    }

    private static byte[][] identityTokens(int[][] names) {
        byte[][] tokens = new byte[256][];
        for (int c = 0; c < 256; c++) {
            tokens[c] = new byte[] {(byte) c};
        }
        return tokens;
    }

    /** scripts/kallsyms.c's optimize_token_table, simplified: merge the most frequent pair into a free code. */
    private static byte[][] compress(int[][] names) {
        byte[][] tokens = new byte[256][];
        for (int[] n : names) {
            for (int c : n) {
                tokens[c] = new byte[] {(byte) c};
            }
        }
        for (int code = 255; code > 0; code--) {
            if (tokens[code] != null) {
                continue;
            }
            int[] counts = new int[256 * 256];
            int best = -1;
            for (int[] n : names) {
                for (int k = 0; k + 1 < n.length; k++) {
                    int pair = n[k] << 8 | n[k + 1];
                    if (++counts[pair] > (best < 0 ? 1 : counts[best])) {
                        best = pair;
                    }
                }
            }
            if (best < 0) {
                break;
            }
            int a = best >> 8;
            int b = best & 0xff;
            tokens[code] = concat(tokens[a], tokens[b]);
            for (int i = 0; i < names.length; i++) {
                names[i] = replace(names[i], a, b, code);
            }
        }
        for (int c = 0; c < 256; c++) {
            if (tokens[c] == null) {
                tokens[c] = new byte[] {(byte) c};
            }
        }
        return tokens;
    }

    private static int[] replace(int[] n, int a, int b, int code) {
        int[] out = new int[n.length];
        int j = 0;
        for (int k = 0; k < n.length; k++) {
            if (k + 1 < n.length && n[k] == a && n[k + 1] == b) {
                out[j++] = code;
                k++;
            } else {
                out[j++] = n[k];
            }
        }
        return Arrays.copyOf(out, j);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static byte[] tokenTable(byte[][] tokens) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] t : tokens) {
            b.writeBytes(t);
            b.write(0);
        }
        return b.toByteArray();
    }

    private static byte[] tokenIndex(byte[][] tokens) {
        byte[] idx = new byte[512];
        int off = 0;
        for (int c = 0; c < 256; c++) {
            idx[2 * c] = (byte) off;
            idx[2 * c + 1] = (byte) (off >> 8);
            off += tokens[c].length + 1;
        }
        return idx;
    }

    static byte[] u32(long v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    static byte[] u64(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >> (8 * i));
        }
        return b;
    }

    private static long align(long v, int a) {
        return (v + a - 1) & -a;
    }

    /** An image under construction: each table aligned, its offset returned. */
    private static final class Out {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        long size() {
            return b.size();
        }

        long put(byte[] data, int alignment) {
            while (b.size() % alignment != 0) {
                b.write(0);
            }
            long at = b.size();
            b.writeBytes(data);
            return at;
        }

        byte[] bytes() {
            return b.toByteArray();
        }
    }
}
