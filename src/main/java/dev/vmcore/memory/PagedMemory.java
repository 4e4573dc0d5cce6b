package dev.vmcore.memory;

/**
 * Physical memory served one page at a time by a subclass, with the read loop and the page cache
 * written once. Subclasses say what a page holds ({@link #state}) and fetch it ({@link #loadPage}).
 */
public abstract class PagedMemory implements PhysicalMemory {
    /** Default cache: 4096 pages = 16 MiB of 4 KiB pages. */
    public static final int DEFAULT_CACHE_PAGES = 4096;

    private final int pageSize;
    private final int pageShift;
    private final PageCache cache;

    protected PagedMemory(int pageSize, int cachePages) {
        if (Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size not a power of two: " + pageSize);
        }
        this.pageSize = pageSize;
        this.pageShift = Integer.numberOfTrailingZeros(pageSize);
        this.cache = new PageCache(cachePages);
    }

    @Override
    public final int pageSize() {
        return pageSize;
    }

    /**
     * Fills {@code page} (page-size bytes) with page frame {@code pfn}, whose state is PRESENT.
     *
     * @throws MemoryFault if the data cannot be had after all (e.g. it lies past the end of the file)
     */
    protected abstract void loadPage(long pfn, byte[] page);

    /** The fault to raise for a page that is not readable. */
    protected MemoryFault fault(long paddr, PageState state) {
        return switch (state) {
            case EXCLUDED -> new MemoryFault.Excluded(paddr, -1);
            case TRUNCATED -> new MemoryFault.Truncated(paddr, "the dump file is incomplete");
            default -> new MemoryFault.NotInDump(paddr);
        };
    }

    @Override
    public final void read(long paddr, byte[] dst, int off, int len) {
        int done = 0;
        while (done < len) {
            long addr = paddr + done;
            long pfn = addr >>> pageShift;
            int inPage = (int) (addr & (pageSize - 1));
            int n = Math.min(len - done, pageSize - inPage);
            byte[] page = page(pfn, addr);
            if (page == null) {
                java.util.Arrays.fill(dst, off + done, off + done + n, (byte) 0);
            } else {
                System.arraycopy(page, inPage, dst, off + done, n);
            }
            done += n;
        }
    }

    /** The page's bytes, or null for a zero page. */
    private byte[] page(long pfn, long addrForErrors) {
        byte[] page = cache.get(pfn);
        if (page != null) {
            return page;
        }
        PageState state = state(pfn);
        if (state == PageState.ZERO) {
            return null;
        }
        if (state != PageState.PRESENT) {
            throw fault(addrForErrors, state);
        }
        page = new byte[pageSize];
        loadPage(pfn, page);
        cache.put(pfn, page);
        return page;
    }
}
