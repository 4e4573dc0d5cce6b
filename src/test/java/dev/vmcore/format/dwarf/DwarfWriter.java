package dev.vmcore.format.dwarf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Little-endian byte builders for synthetic DWARF sections, and a {@link DwarfSections} over them. */
public final class DwarfWriter {
    /** One growing section. */
    public static final class Buf {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public int pos() {
            return out.size();
        }

        public Buf u8(long v) {
            out.write((int) v);
            return this;
        }

        public Buf u16(long v) {
            return u8(v).u8(v >> 8);
        }

        public Buf u24(long v) {
            return u16(v).u8(v >> 16);
        }

        public Buf u32(long v) {
            return u16(v).u16(v >> 16);
        }

        public Buf u64(long v) {
            return u32(v).u32(v >> 32);
        }

        public Buf uleb(long v) {
            do {
                int b = (int) (v & 0x7f);
                v >>>= 7;
                out.write(v != 0 ? b | 0x80 : b);
            } while (v != 0);
            return this;
        }

        public Buf sleb(long v) {
            while (true) {
                int b = (int) (v & 0x7f);
                v >>= 7;
                boolean done = (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0);
                out.write(done ? b : b | 0x80);
                if (done) {
                    return this;
                }
            }
        }

        public Buf str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            return u8(0);
        }

        public Buf bytes(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        /** Adds {@code s} and returns its offset (for string tables). */
        public int add(String s) {
            int p = pos();
            str(s);
            return p;
        }

        public byte[] toArray() {
            return out.toByteArray();
        }

        /** Patches a 32-bit value at {@code at}. */
        public static void put32(byte[] b, int at, long v) {
            for (int i = 0; i < 4; i++) {
                b[at + i] = (byte) (v >> (8 * i));
            }
        }
    }

    final Map<String, Buf> sections = new HashMap<>();

    Buf s(String name) {
        return sections.computeIfAbsent(name, n -> new Buf());
    }

    Map<String, byte[]> build() {
        Map<String, byte[]> m = new HashMap<>();
        sections.forEach((k, v) -> m.put(k, v.toArray()));
        return m;
    }

    static DwarfSections provider(Map<String, byte[]> m) {
        return DwarfSections.of(m);
    }
}
