package dev.vmcore.memory;

import dev.vmcore.util.VmcoreException;

/**
 * A read that memory cannot serve. The subtype tells the caller why: the page is not in the dump,
 * was excluded by makedumpfile, lies past a truncation, or the virtual address is not mapped.
 */
public abstract sealed class MemoryFault extends VmcoreException
        permits MemoryFault.NotInDump, MemoryFault.Excluded, MemoryFault.Truncated, MemoryFault.NotMapped {
    private final long address;
    private final String space;
    private final String problem;

    MemoryFault(long address, String space, String problem) {
        super(space + " address 0x" + Long.toHexString(address) + ": " + problem);
        this.address = address;
        this.space = space;
        this.problem = problem;
    }

    /** Why the read failed, without the address ("not in the dump", "page excluded ..."). */
    public String problem() {
        return problem;
    }

    public long address() {
        return address;
    }

    /** "physical", "kernel virtual", "user virtual". */
    public String space() {
        return space;
    }

    /** The page is not part of the dump at all (a hole, or beyond the memory it covers). */
    public static final class NotInDump extends MemoryFault {
        public NotInDump(long paddr) {
            super(paddr, "physical", "not in the dump");
        }
    }

    /** makedumpfile left the page out on purpose. */
    public static final class Excluded extends MemoryFault {
        public Excluded(long paddr, int dumpLevel) {
            super(paddr, "physical", "page excluded from the dump by makedumpfile"
                    + (dumpLevel >= 0 ? " (dump level " + dumpLevel + ")" : ""));
        }
    }

    /** The page's data lies past the end of an incomplete or cut-short file. */
    public static final class Truncated extends MemoryFault {
        public Truncated(long paddr, String why) {
            super(paddr, "physical", "page missing: " + why);
        }
    }

    /** No translation for a virtual address. */
    public static final class NotMapped extends MemoryFault {
        public NotMapped(long vaddr, String space, String why) {
            super(vaddr, space, why);
        }
    }
}
