package dev.vmcore.symbols;

import dev.vmcore.memory.MemoryFault;
import dev.vmcore.symbols.KallsymsReader.Encoding;
import dev.vmcore.symbols.KallsymsWriter.Image;
import dev.vmcore.symbols.KallsymsWriter.Layout;
import dev.vmcore.util.FormatException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded corruptions of whole kallsyms images: every decode ends in a table, a FormatException or
 * a MemoryFault, quickly; never another exception, a hang or an OutOfMemoryError.
 */
class KallsymsMutationTest {
    private static final int PER_IMAGE = 1000;

    @Test
    void corruptTablesFailCleanly() {
        List<Image> images = new ArrayList<>();
        for (Encoding e : Encoding.values()) {
            for (Layout layout : Layout.values()) {
                boolean percpu = e == Encoding.ABSOLUTE_PERCPU;
                images.add(new KallsymsWriter(KallsymsReaderTest.kernelSymbols(300, percpu, e.ordinal()), e, true,
                        true, layout).build());
            }
        }
        int[] outcome = new int[3];
        long[] slowest = new long[1];
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int img = 0; img < images.size(); img++) {
                Image image = images.get(img);
                for (int i = 0; i < PER_IMAGE; i++) {
                    long seed = img * 1_000_003L + i;
                    byte[] b = mutate(image, new Random(seed));
                    long t0 = System.nanoTime();
                    try {
                        KallsymsReader.read(new FakeKernelMemory(image.base(), b), image.locations());
                        outcome[0]++;
                    } catch (FormatException e) {
                        outcome[1]++;
                    } catch (MemoryFault e) {
                        outcome[2]++;
                    } catch (Throwable t) {
                        fail("seed " + seed + " (image " + img + "): " + t, t);
                    }
                    slowest[0] = Math.max(slowest[0], System.nanoTime() - t0);
                }
            }
        });
        System.out.printf("kallsyms mutations: %d decoded, %d FormatException, %d MemoryFault; slowest %.1f ms%n",
                outcome[0], outcome[1], outcome[2], slowest[0] / 1e6);
        assertTrue(outcome[0] + outcome[1] + outcome[2] >= 10_000);
        assertTrue(outcome[1] > 1000, "most corruptions should be noticed");
    }

    /** One to four corruptions: random bytes, saturated bytes, or a random count / token offset / length. */
    private static byte[] mutate(Image image, Random r) {
        byte[] b = image.bytes().clone();
        KallsymsLocations l = image.locations();
        int n = 1 + r.nextInt(4);
        for (int k = 0; k < n; k++) {
            switch (r.nextInt(6)) {
                case 0 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                case 1 -> b[r.nextInt(b.length)] = (byte) 0xff;
                case 2 -> put(b, (int) (l.numSyms() - image.base()), r.nextBoolean() ? r.nextInt()
                        : 290 + r.nextInt(30));
                case 3 -> {
                    int at = (int) (l.tokenIndex() - image.base()) + 2 * r.nextInt(256);
                    b[at] = (byte) r.nextInt(256);
                    b[at + 1] = (byte) (r.nextBoolean() ? r.nextInt(256) : 0);
                }
                case 4 -> {
                    int at = (int) (l.names() - image.base()) + r.nextInt(64);
                    b[at] = (byte) (0x80 | r.nextInt(128));
                }
                default -> {
                    int at = (int) (l.tokenTable() - image.base()) + r.nextInt(300);
                    b[at] = (byte) (r.nextBoolean() ? 0 : r.nextInt(256));
                }
            }
        }
        return b;
    }

    private static void put(byte[] b, int at, int v) {
        System.arraycopy(KallsymsWriter.u32(v & 0xffffffffL), 0, b, at, 4);
    }
}
