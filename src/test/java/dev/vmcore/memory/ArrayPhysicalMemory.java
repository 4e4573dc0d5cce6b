package dev.vmcore.memory;

import java.util.HashMap;
import java.util.Map;

/** Sparse physical memory for tests: pages exist once written; others are not in the dump. */
public final class ArrayPhysicalMemory extends PagedMemory {
    private final Map<Long, byte[]> pages = new HashMap<>();

    public ArrayPhysicalMemory() {
        super(4096, 0); // no cache: tests write pages after reading them
    }

    public void writeLong(long paddr, long value) {
        byte[] page = pages.computeIfAbsent(paddr >>> 12, k -> new byte[4096]);
        int at = (int) (paddr & 0xfff);
        for (int i = 0; i < 8; i++) {
            page[at + i] = (byte) (value >>> (8 * i));
        }
    }

    public void writePage(long pfn, byte[] data) {
        pages.put(pfn, data.clone());
    }

    @Override
    public PageState state(long pfn) {
        return pages.containsKey(pfn) ? PageState.PRESENT : PageState.ABSENT;
    }

    @Override
    public long maxPfn() {
        return pages.keySet().stream().mapToLong(Long::longValue).max().orElse(-1) + 1;
    }

    @Override
    protected void loadPage(long pfn, byte[] page) {
        System.arraycopy(pages.get(pfn), 0, page, 0, page.length);
    }
}
