package dev.vmcore.memory;

/**
 * Physical memory served one page at a time by a subclass, with the read loop and the page cache
 * written once. Subclasses say what a page holds ({@link #state}) and fetch it ({@link #loadPage}).
 *
 * <p>Read-ahead: a thread that misses the cache on {@value #SEQUENTIAL_MISSES} consecutive page
 * frames in a row is reading sequentially (a scan, a dump of memory); if the subclass offers
 * {@link #loadAhead}, the next pages are loaded together into a window of that thread and served
 * from it, without a cache entry, a page allocation or a file read each. Random reads (page walks,
 * structures) are unaffected. On a page-cached 512 MiB ELF dump this took a full sequential read
 * from 1 pread, 1 allocation and 1 LRU insertion per 4 KiB page to 1 pread per 128 KiB
 * (scripts/bench-read, docs/formats.md).
 */
public abstract class PagedMemory implements PhysicalMemory {
    /** Default cache: 4096 pages = 16 MiB of 4 KiB pages. */
    public static final int DEFAULT_CACHE_PAGES = 4096;
    /** Most pages one read-ahead loads (128 KiB of 4 KiB pages, like cat's buffer). */
    public static final int READ_AHEAD_PAGES = 32;
    /** Consecutive page misses of one thread that start read-ahead. */
    static final int SEQUENTIAL_MISSES = 3;

    private final int pageSize;
    private final int pageShift;
    private final PageCache cache;
    private final ThreadLocal<Window> windows = ThreadLocal.withInitial(Window::new);

    /** One thread's read-ahead pages [first, first+count) in buf, and its run of consecutive misses. */
    private static final class Window {
        long first = -1;
        int count;
        long next = -1;
        int streak;
        byte[] buf;
    }

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

    /**
     * Loads page frame {@code pfn}, whose state is PRESENT, and as many of the page frames right after
     * it as is cheap (each PRESENT, or ZERO and filled with zeros; at most {@code maxPages}) into
     * {@code buf}, back to back. Returns the number loaded, or 0 to say "no read-ahead here" (then
     * {@link #loadPage} is used). The default offers none.
     *
     * @throws MemoryFault as {@link #loadPage}
     */
    protected int loadAhead(long pfn, byte[] buf, int maxPages) {
        return 0;
    }

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
        Window w = windows.get();
        int done = 0;
        while (done < len) {
            long addr = paddr + done;
            long pfn = addr >>> pageShift;
            int inPage = (int) (addr & (pageSize - 1));
            int n = Math.min(len - done, pageSize - inPage);
            if (pfn - w.first >= 0 && pfn - w.first < w.count) {
                System.arraycopy(w.buf, (int) ((pfn - w.first) << pageShift) + inPage, dst, off + done, n);
                done += n;
                continue;
            }
            byte[] page = page(pfn, addr, w); // a cached page, or the window read-ahead just filled (page first)
            if (page == null) {
                java.util.Arrays.fill(dst, off + done, off + done + n, (byte) 0);
            } else {
                System.arraycopy(page, inPage, dst, off + done, n);
            }
            done += n;
        }
    }

    /** The page's bytes: a cached page, null for a zero page, or w.buf when read-ahead put it first there. */
    private byte[] page(long pfn, long addrForErrors, Window w) {
        byte[] page = cache.get(pfn);
        if (page != null) {
            return page;
        }
        PageState state = state(pfn);
        if (state != PageState.PRESENT && state != PageState.ZERO) {
            throw fault(addrForErrors, state);
        }
        w.streak = w.next == pfn ? w.streak + 1 : 1;
        w.next = pfn + 1;
        if (state == PageState.ZERO) {
            return null;
        }
        if (w.streak >= SEQUENTIAL_MISSES) {
            if (w.buf == null) {
                w.buf = new byte[READ_AHEAD_PAGES << pageShift];
            }
            w.count = 0; // the window is rewritten: empty until loadAhead returns
            int n = loadAhead(pfn, w.buf, READ_AHEAD_PAGES);
            if (n > 0) {
                w.first = pfn;
                w.count = Math.min(n, READ_AHEAD_PAGES);
                w.next = pfn + w.count;
                return w.buf;
            }
        }
        page = new byte[pageSize];
        loadPage(pfn, page);
        cache.put(pfn, page);
        return page;
    }
}
