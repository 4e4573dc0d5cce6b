package dev.vmcore.program;

import dev.vmcore.dump.CpuNote;
import dev.vmcore.dump.VmcoreInfo;
import dev.vmcore.memory.PagingConfig;
import dev.vmcore.symbols.KallsymsLocations;
import dev.vmcore.util.VmcoreException;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what the dump says about the kernel (VMCOREINFO, CPU notes) into the values the lower
 * layers need: the paging configuration and where kallsyms lives.
 */
public final class KernelLayout {
    private static final long CR3_FRAME = 0x000f_ffff_ffff_f000L;
    private static final long CR4_LA57 = 1L << 12;
    private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)");

    private KernelLayout() {
    }

    /**
     * The kernel's paging configuration: from VMCOREINFO (init_top_pgt, phys_base,
     * pgtable_l5_enabled, sme_mask) as drgn does, or else from a CPU's CR3/CR4 in QEMU's notes.
     */
    public static PagingConfig paging(Optional<VmcoreInfo> info, List<CpuNote> cpus) {
        if (info.isPresent()) {
            VmcoreInfo v = info.get();
            OptionalLong pgd = v.symbol("init_top_pgt");
            if (pgd.isEmpty()) {
                pgd = v.symbol("swapper_pg_dir");
            }
            OptionalLong physBase = v.number("phys_base");
            if (pgd.isPresent() && physBase.isPresent()) {
                boolean fiveLevel = v.number("pgtable_l5_enabled").orElse(0) == 1;
                long top = pgd.getAsLong() - PagingConfig.START_KERNEL_MAP + physBase.getAsLong();
                return new PagingConfig(top, fiveLevel, physBase.getAsLong(), PagingConfig.PAGE_OFFSET_UNKNOWN,
                        v.number("sme_mask").orElse(0));
            }
        }
        // No usable VMCOREINFO: QEMU's CPU state has CR3 (the page tables in use) and CR4 (LA57).
        for (CpuNote cpu : cpus) {
            Optional<Long> cr3 = cpu.register("cr3");
            if (cpu.kind().equals("QEMU") && cr3.isPresent() && cr3.get() != 0) {
                boolean fiveLevel = (cpu.register("cr4").orElse(0L) & CR4_LA57) != 0;
                return new PagingConfig(cr3.get() & CR3_FRAME, fiveLevel, PagingConfig.PHYS_BASE_UNKNOWN,
                        PagingConfig.PAGE_OFFSET_UNKNOWN, 0);
            }
        }
        throw new VmcoreException("cannot read kernel virtual memory: the dump has no VMCOREINFO "
                + "(init_top_pgt, phys_base) and no CPU note with CR3");
    }

    /** Where kallsyms is, from VMCOREINFO (Linux 6.0+ exports it), if the dump says. */
    public static Optional<KallsymsLocations> kallsyms(VmcoreInfo v) {
        OptionalLong names = v.symbol("kallsyms_names");
        OptionalLong num = v.symbol("kallsyms_num_syms");
        OptionalLong tokens = v.symbol("kallsyms_token_table");
        OptionalLong index = v.symbol("kallsyms_token_index");
        OptionalLong stext = v.symbol("_stext");
        if (names.isEmpty() || num.isEmpty() || tokens.isEmpty() || index.isEmpty() || stext.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new KallsymsLocations(names.getAsLong(), num.getAsLong(), tokens.getAsLong(),
                index.getAsLong(), v.symbol("kallsyms_offsets"), v.symbol("kallsyms_relative_base"),
                v.symbol("kallsyms_addresses"), stext.getAsLong(), releaseAtLeast(v, 6, 1)));
    }

    /** True when OSRELEASE is at least major.minor. */
    static boolean releaseAtLeast(VmcoreInfo v, int major, int minor) {
        Matcher m = RELEASE.matcher(v.release().orElse(""));
        if (!m.find()) {
            return false;
        }
        int ma = Integer.parseInt(m.group(1));
        int mi = Integer.parseInt(m.group(2));
        return ma > major || (ma == major && mi >= minor);
    }
}
