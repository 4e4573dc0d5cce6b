package dev.vmcore.dump;

import dev.vmcore.util.ByteSource;
import dev.vmcore.util.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlattenedSourceTest {
    @TempDir
    Path dir;

    private static byte[] readAll(ByteSource s) {
        byte[] b = new byte[(int) s.size()];
        s.readFully(0, b, 0, b.length);
        return b;
    }

    @Test
    void inPlaceReadingEqualsTheRearrangedFile() {
        for (long seed = 0; seed < 20; seed++) {
            Random rnd = new Random(seed);
            byte[] plain = KdumpDumpTest.sample(seed).build();
            byte[] flat = KdumpWriter.flatten(plain, rnd, true);
            FlattenedSource f = FlattenedSource.index(ByteSource.of("t.flat", flat));
            assertEquals(plain.length, f.size());
            assertArrayEquals(plain, readAll(f), "seed " + seed);
            assertEquals(List.of(), f.warnings());
            // random windows, including ones that straddle record boundaries
            for (int i = 0; i < 200; i++) {
                int pos = rnd.nextInt(plain.length);
                int len = rnd.nextInt(Math.min(9000, plain.length - pos) + 1);
                byte[] got = new byte[len];
                assertEquals(len, f.read(pos, got, 0, len));
                assertArrayEquals(Arrays.copyOfRange(plain, pos, pos + len), got);
            }
        }
    }

    @Test
    void laterRecordsWinAndUnwrittenBytesReadAsZeros() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header());
        KdumpWriter.record(out, 100, filled(50, 1));   // [100,150)
        KdumpWriter.record(out, 120, filled(10, 2));   // overwrites [120,130)
        KdumpWriter.record(out, 90, filled(20, 3));    // overwrites [90,110)
        KdumpWriter.record(out, 300, filled(4, 4));    // gap [150,300) reads zeros
        KdumpWriter.record(out, 140, filled(5, 5));    // inside, later
        out.writeBytes(ByteBuffer.allocate(16).putLong(-1).putLong(0).array());
        FlattenedSource f = FlattenedSource.index(ByteSource.of("t", out.toByteArray()));
        assertEquals(304, f.size());
        byte[] all = readAll(f);
        for (int i = 0; i < 304; i++) {
            int expected;
            if (i >= 300) {
                expected = 4;
            } else if (i >= 150) {
                expected = 0;
            } else if (i >= 140 && i < 145) {
                expected = 5;
            } else if (i >= 120 && i < 130) {
                expected = 2;
            } else if (i >= 90 && i < 110) {
                expected = 3;
            } else if (i >= 100) {
                expected = 1;
            } else {
                expected = 0;
            }
            assertEquals(expected, all[i], "byte " + i);
        }
    }

    @Test
    void aCutShortStreamServesWhatItHas() {
        byte[] plain = KdumpDumpTest.sample(3).build();
        byte[] flat = KdumpWriter.flatten(plain, new Random(3), false);
        FlattenedSource f = FlattenedSource.index(ByteSource.of("t", flat));
        assertTrue(f.warnings().get(0).contains("end marker"), f.warnings().toString());
        assertArrayEquals(plain, readAll(f));
        FlattenedSource cut = FlattenedSource.index(ByteSource.of("t", Arrays.copyOf(flat, flat.length - 1000)));
        assertTrue(cut.warnings().get(0).contains("cut short"), cut.warnings().toString());
    }

    @Test
    void badHeadersAndRecordsAreFormatErrors() {
        byte[] h = header();
        h[0] = 'M';
        assertThrows(FormatException.class, () -> FlattenedSource.index(ByteSource.of("t", h)));
        byte[] v = header();
        v[31] = 2;
        assertThrows(FormatException.class, () -> FlattenedSource.index(ByteSource.of("t", v)));
        assertThrows(FormatException.class, () -> FlattenedSource.index(ByteSource.of("t", new byte[100])));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header());
        out.writeBytes(ByteBuffer.allocate(16).putLong(-7).putLong(10).array());
        assertThrows(FormatException.class, () -> FlattenedSource.index(ByteSource.of("t", out.toByteArray())));
        ByteArrayOutputStream far = new ByteArrayOutputStream();
        far.writeBytes(header());
        KdumpWriter.record(far, 1L << 50, new byte[4]);
        FormatException e = assertThrows(FormatException.class,
                () -> FlattenedSource.index(ByteSource.of("t", far.toByteArray())));
        assertTrue(e.getMessage().contains("far beyond"), e.getMessage());
    }

    @Test
    void dumpOpenerReadsAFlattenedKdumpInPlace() throws IOException {
        KdumpWriter w = KdumpDumpTest.sample(5);
        Path p = Files.write(dir.resolve("vmcore.flat"), KdumpWriter.flatten(w.build(), new Random(5), true));
        try (DumpFile d = DumpOpener.open(List.of(p))) {
            assertEquals(DumpFormat.Container.KDUMP, d.format().container());
            assertTrue(d.format().flattened());
            assertEquals("kdump-compressed (zlib), flattened", d.format().describe());
            KdumpDumpTest.assertReadsBack(w, d);
        }
        // no temporary file was written next to it
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    static byte[] header() {
        ByteBuffer h = ByteBuffer.allocate(4096);
        h.put("makedumpfile".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        h.putLong(16, 1).putLong(24, 1);
        return h.array();
    }

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }
}
