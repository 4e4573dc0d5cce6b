package dev.vmcore.memory.x86_64;

import dev.vmcore.util.Unsigned;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.memory.MemoryFault;
import dev.vmcore.memory.PagingConfig;
import dev.vmcore.memory.PhysicalMemory;
import dev.vmcore.memory.Translation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A virtual address space of an x86-64 kernel: kernel text and (when its base is known) the direct
 * map translate linearly; everything else walks the page tables from the configured top table.
 * Translations of 4 KiB pages are cached.
 */
public final class X86_64AddressSpace implements AddressSpace {
    private static final long PAGE = 4096;
    private static final long ENTRY_PRESENT = 1L;
    private static final long ENTRY_PS = 1L << 7;
    /** Bits 51:12 of an entry: the next table's or the page's frame. */
    private static final long FRAME_MASK = 0x000f_ffff_ffff_f000L;
    /** The kernel image mapping is at most KERNEL_IMAGE_SIZE = 1 GiB (arch/x86/include/asm/page_64_types.h). */
    private static final long KERNEL_IMAGE_SIZE = 1L << 30;
    private static final int CACHE_ENTRIES = 1 << 16;

    private final PhysicalMemory phys;
    private final PagingConfig config;
    private final String name;
    private final boolean kernel;
    private final Map<Long, Long> pageCache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    private X86_64AddressSpace(PhysicalMemory phys, PagingConfig config, String name, boolean kernel) {
        this.phys = phys;
        this.config = config;
        this.name = name;
        this.kernel = kernel;
    }

    /** The kernel's address space: linear kernel text and direct map, page walk for the rest. */
    public static X86_64AddressSpace kernel(PhysicalMemory phys, PagingConfig config) {
        return new X86_64AddressSpace(phys, config, "kernel virtual", true);
    }

    /** A user address space: only the page walk from the process's top table. */
    public static X86_64AddressSpace user(PhysicalMemory phys, PagingConfig config) {
        return new X86_64AddressSpace(phys, config, "user virtual", false);
    }

    public PagingConfig config() {
        return config;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void read(long vaddr, byte[] dst, int off, int len) {
        int done = 0;
        while (done < len) {
            long va = vaddr + done;
            int inPage = (int) (va & (PAGE - 1));
            int n = (int) Math.min(len - done, PAGE - inPage);
            long pa = physicalPage(va & -PAGE) + inPage;
            phys.read(pa, dst, off + done, n);
            done += n;
        }
    }

    private long physicalPage(long vpage) {
        synchronized (pageCache) {
            Long cached = pageCache.get(vpage);
            if (cached != null) {
                return cached;
            }
        }
        long p = translate(vpage).paddr();
        synchronized (pageCache) {
            pageCache.put(vpage, p);
        }
        return p;
    }

    @Override
    public Translation translate(long vaddr) {
        checkCanonical(vaddr);
        if (kernel) {
            long textOffset = vaddr - PagingConfig.START_KERNEL_MAP;
            if (textOffset >= 0 && textOffset < KERNEL_IMAGE_SIZE && config.physBase() != PagingConfig.PHYS_BASE_UNKNOWN) {
                return new Translation(vaddr, textOffset + config.physBase(), 0, List.of());
            }
            long mapOffset = vaddr - config.pageOffset();
            if (config.pageOffset() != 0 && Unsigned.compare(vaddr, config.pageOffset()) >= 0
                    && mapOffset >= 0 && mapOffset < directMapSize()) {
                return new Translation(vaddr, mapOffset, 0, List.of());
            }
        }
        return walk(vaddr);
    }

    private long directMapSize() {
        // 64 TiB with 4-level paging, 4 PiB with 5-level (Documentation/arch/x86/x86_64/mm.rst).
        return config.fiveLevel() ? 1L << 52 : 1L << 46;
    }

    /** The full page-table walk for {@code vaddr}, every level recorded (what vtop prints). */
    public Translation walk(long vaddr) {
        checkCanonical(vaddr);
        List<Translation.Step> steps = new ArrayList<>(5);
        String[] levels = config.fiveLevel() ? new String[] {"PGD", "P4D", "PUD", "PMD", "PTE"}
                : new String[] {"PGD", "PUD", "PMD", "PTE"};
        int[] shifts = config.fiveLevel() ? new int[] {48, 39, 30, 21, 12} : new int[] {39, 30, 21, 12};
        long table = config.topTablePhys();
        for (int i = 0; i < levels.length; i++) {
            long index = (vaddr >>> shifts[i]) & 0x1ff;
            long entryAddress = table + index * 8;
            long entry;
            try {
                entry = phys.readLong(entryAddress);
            } catch (MemoryFault f) {
                throw new MemoryFault.NotMapped(vaddr, name, levels[i] + " table page at 0x"
                        + Long.toHexString(entryAddress & -PAGE) + " is not in the dump");
            }
            steps.add(new Translation.Step(levels[i], entryAddress, entry));
            if ((entry & ENTRY_PRESENT) == 0) {
                throw new MemoryFault.NotMapped(vaddr, name, "not mapped (" + levels[i] + " entry not present)");
            }
            long frame = entry & FRAME_MASK & ~config.smeMask();
            boolean leaf = shifts[i] == 12 || ((entry & ENTRY_PS) != 0 && (shifts[i] == 30 || shifts[i] == 21));
            if (leaf) {
                long pageSize = 1L << shifts[i];
                long base = frame & -pageSize;
                return new Translation(vaddr, base + (vaddr & (pageSize - 1)), pageSize, steps);
            }
            table = frame;
        }
        throw new IllegalStateException("unreachable: the PTE level is always a leaf");
    }

    private void checkCanonical(long vaddr) {
        int bits = config.fiveLevel() ? 57 : 48;
        long top = vaddr >> (bits - 1);
        if (top != 0 && top != -1) {
            throw new MemoryFault.NotMapped(vaddr, name, "non-canonical address (bits 63-" + (bits - 1)
                    + " are not a sign extension)");
        }
    }
}
