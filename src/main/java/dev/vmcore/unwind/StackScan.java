package dev.vmcore.unwind;

import dev.vmcore.memory.AddressSpace;
import dev.vmcore.util.ByteCursor;
import dev.vmcore.util.VmcoreException;

import java.util.ArrayList;
import java.util.List;

/**
 * What a stack holds when it is read word by word instead of unwound: the text addresses on it
 * (crash's bt -t/-T, the fallback when an unwind fails) and the saved register sets that look like
 * a {@code pt_regs} left by an exception, interrupt or system call entry (crash's bt -e).
 */
public final class StackScan {
    /** x86-64 kernel and user code and stack segment selectors (arch/x86/include/asm/segment.h). */
    private static final long KERNEL_CS = 0x10;
    private static final long KERNEL_DS = 0x18;
    private static final long USER_CS = 0x33;
    private static final long USER_DS = 0x2b;
    /** The top of the user half of the address space (47-bit; 5-level paging users ask for more). */
    private static final long USER_LIMIT = 1L << 56;
    /** RFLAGS bits above ID (21) are reserved zero; bit 1 is always one. */
    private static final long FLAGS_RESERVED = ~((1L << 22) - 1);

    private final AddressSpace mem;
    private final OrcLookup text;

    public StackScan(AddressSpace mem, OrcLookup text) {
        this.mem = mem;
        this.text = text;
    }

    /** One stack word that holds a text address. */
    public record TextWord(long slot, long value) {
    }

    /** The words in {@code [from, to)} that hold kernel or module text addresses, lowest first. */
    public List<TextWord> textWords(long from, long to) {
        List<TextWord> out = new ArrayList<>();
        byte[] page = null;
        long pageBase = -1;
        for (long a = from & ~7L; dev.vmcore.util.Unsigned.lessThan(a, to); a += 8) {
            long base = a & ~4095L;
            if (base != pageBase) {
                pageBase = base;
                try {
                    page = mem.readBytes(base, 4096);
                } catch (VmcoreException e) {
                    page = null;
                }
            }
            if (page == null) {
                continue;
            }
            long v = ByteCursor.getLong(page, (int) (a - base));
            if (v < 0 && text.isText(v)) {
                out.add(new TextWord(a, v));
            }
        }
        return out;
    }

    /**
     * The places in {@code region} where a plausible pt_regs sits: a kernel-mode one (kernel code
     * segment, an ip in kernel text, an sp on one of {@code stacks}) or a user-mode one (user
     * segments, user ip and sp), with sane flags. Lowest address first.
     */
    public List<PtRegs> exceptionFrames(StackRegion region, StackLayout stacks) {
        List<PtRegs> out = new ArrayList<>();
        for (long a = region.start(); dev.vmcore.util.Unsigned.lessOrEqual(a + PtRegs.SIZE, region.end()); a += 8) {
            PtRegs r;
            try {
                r = PtRegs.read(mem, a);
            } catch (VmcoreException e) {
                continue;
            }
            if (plausible(r, stacks)) {
                out.add(r);
            }
        }
        return out;
    }

    private boolean plausible(PtRegs r, StackLayout stacks) {
        long cs = r.get("cs").orElse(-1);
        long ss = r.get("ss").orElse(-1);
        long flags = r.get("flags").orElse(0);
        long ip = r.get("ip").orElse(0);
        long sp = r.get("sp").orElse(0);
        if ((flags & 2) == 0 || (flags & FLAGS_RESERVED) != 0) {
            return false;
        }
        if (cs == KERNEL_CS) {
            return (ss == KERNEL_DS || ss == 0) && ip < 0 && text.isText(ip) && stacks.regionOf(sp).isPresent();
        }
        if (cs == USER_CS) {
            return ss == USER_DS && ip > 0 && ip < USER_LIMIT && sp > 0 && sp < USER_LIMIT;
        }
        return false;
    }
}
