package dev.vmcore.program;

import dev.vmcore.format.btf.Btf;
import dev.vmcore.format.elf.ElfSection;
import dev.vmcore.format.elf.ElfSymbols;
import dev.vmcore.memory.AddressSpace;
import dev.vmcore.symbols.Symbol;
import dev.vmcore.symbols.SymbolTable;
import dev.vmcore.types.BtfTypeSource;
import dev.vmcore.util.ByteSource;
import dev.vmcore.util.VmcoreException;

import java.util.Optional;

/**
 * Where the kernel's BTF comes from: the vmlinux's {@code .BTF} section when one was given, else
 * kernel memory between {@code __start_BTF} and {@code __stop_BTF} (as makedumpfile's
 * {@code btf_info.c} finds it). Needs CONFIG_DEBUG_INFO_BTF.
 */
final class KernelBtf {
    /** vmlinux BTF is 5-6 MiB on distribution kernels; a larger span means wrong symbols. */
    private static final long MAX_BTF = 256L << 20;
    private static final int CHUNK = 4 << 20;

    private KernelBtf() {
    }

    static BtfTypeSource fromVmlinux(ElfSymbols vmlinux) {
        ElfSection s = vmlinux.section(".BTF").orElseThrow(() -> new VmcoreException(
                "no types: the vmlinux has no .BTF section"));
        return new BtfTypeSource(Btf.parse(vmlinux.contents(s)), "BTF from vmlinux");
    }

    static BtfTypeSource fromMemory(AddressSpace memory, SymbolTable symbols) {
        Optional<Symbol> start = symbols.find("__start_BTF");
        Optional<Symbol> stop = symbols.find("__stop_BTF");
        if (start.isEmpty() || stop.isEmpty()) {
            throw new VmcoreException("no types: the kernel has no __start_BTF/__stop_BTF (built without"
                    + " CONFIG_DEBUG_INFO_BTF?); give the matching vmlinux");
        }
        long size = stop.get().address() - start.get().address();
        if (size <= 0 || size > MAX_BTF) {
            throw new VmcoreException("no types: __start_BTF..__stop_BTF spans " + size + " bytes");
        }
        byte[] bytes = new byte[(int) size];
        for (int off = 0; off < bytes.length; off += CHUNK) {
            memory.read(start.get().address() + off, bytes, off, Math.min(CHUNK, bytes.length - off));
        }
        return new BtfTypeSource(Btf.parse(ByteSource.of("BTF in kernel memory at 0x"
                + Long.toHexString(start.get().address()), bytes)), "BTF from dump");
    }
}
