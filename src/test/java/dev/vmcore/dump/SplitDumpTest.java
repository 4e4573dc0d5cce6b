package dev.vmcore.dump;

import dev.vmcore.memory.PageState;
import dev.vmcore.util.VmcoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitDumpTest {
    @TempDir
    Path dir;

    /** Writes the three parts of {@code w}'s dump, split at pfns 21 and 40, as makedumpfile --split does. */
    private List<Path> parts(KdumpWriter w, String prefix) throws IOException {
        long[] bounds = {0, 21, 40, w.maxMapnr};
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            w.split = true;
            w.startPfn = bounds[i];
            w.endPfn = bounds[i + 1];
            paths.add(Files.write(dir.resolve(prefix + i), w.build()));
        }
        return paths;
    }

    @Test
    void threePartsReadAsOneDumpInAnyOrder() throws IOException {
        KdumpWriter w = KdumpDumpTest.sample(21);
        List<Path> paths = parts(w, "vmcore-");
        Collections.shuffle(paths, new Random(1));
        try (DumpFile d = DumpOpener.open(paths)) {
            KdumpDumpTest.assertReadsBack(w, d);
            assertEquals(3, d.files().size());
            assertEquals(dir.resolve("vmcore-0"), d.files().get(0));
            DumpFile.PageCounts c = d.pageCounts();
            assertEquals(w.pages.size(), c.present() + c.zero());
            assertEquals(2, c.zero());
            assertEquals(7, c.excluded());
            assertEquals(64, c.total());
            assertEquals(List.of(), d.warnings());
            assertEquals(3, d.header().stream().filter(f -> f.name().equals("split part")).count());
            assertEquals(PageState.PRESENT, d.memory().state(39));
        }
    }

    @Test
    void aMissingPartIsNamedByItsPfnRange() throws IOException {
        List<Path> paths = parts(KdumpDumpTest.sample(22), "vmcore-");
        VmcoreException e = assertThrows(VmcoreException.class,
                () -> DumpOpener.open(List.of(paths.get(0), paths.get(2))));
        assertEquals("split dump is missing the part covering pfn 0x15-0x27", e.getMessage());
        VmcoreException last = assertThrows(VmcoreException.class,
                () -> DumpOpener.open(List.of(paths.get(0), paths.get(1))));
        assertEquals("split dump is missing the part covering pfn 0x28-0x3f", last.getMessage());
    }

    @Test
    void aPartOfAnotherDumpIsNamed() throws IOException {
        List<Path> mine = parts(KdumpDumpTest.sample(23), "a-");
        KdumpWriter other = KdumpDumpTest.sample(23);
        other.timestamp += 3600;
        List<Path> theirs = parts(other, "b-");
        VmcoreException e = assertThrows(VmcoreException.class,
                () -> DumpOpener.open(List.of(mine.get(0), theirs.get(1), mine.get(2))));
        assertTrue(e.getMessage().startsWith(theirs.get(1) + " belongs to another dump (timestamp/release differ"),
                e.getMessage());
    }

    @Test
    void overlappingOrUnsplitPartsAreRefused() throws IOException {
        List<Path> paths = parts(KdumpDumpTest.sample(24), "vmcore-");
        VmcoreException dup = assertThrows(VmcoreException.class,
                () -> DumpOpener.open(List.of(paths.get(0), paths.get(1), paths.get(1), paths.get(2))));
        assertTrue(dup.getMessage().contains("overlap"), dup.getMessage());
        Path whole = Files.write(dir.resolve("whole"), KdumpDumpTest.sample(24).build());
        VmcoreException notSplit = assertThrows(VmcoreException.class,
                () -> DumpOpener.open(List.of(whole, paths.get(1))));
        assertTrue(notSplit.getMessage().contains("not part of a split dump"), notSplit.getMessage());
    }
}
