package dev.vmcore.memory;

import java.util.LinkedHashMap;
import java.util.Map;

/** A bounded least-recently-used cache of page contents, keyed by page frame number. */
public final class PageCache {
    private final int capacity;
    private final Map<Long, byte[]> pages;

    /** @param capacity the most pages kept; memory use is at most capacity times the page size */
    public PageCache(int capacity) {
        this.capacity = capacity;
        this.pages = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > PageCache.this.capacity;
            }
        };
    }

    public synchronized byte[] get(long pfn) {
        return pages.get(pfn);
    }

    public synchronized void put(long pfn, byte[] page) {
        pages.put(pfn, page);
    }

    public synchronized int size() {
        return pages.size();
    }
}
