package dev.vmcore.program;

import dev.vmcore.dump.VmcoreInfo;
import dev.vmcore.format.elf.ElfSymbols;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a vmlinux is the kernel that wrote the dump: the GNU build id against VMCOREINFO's
 * BUILD-ID (Linux 5.9+), else the release in linux_banner against OSRELEASE.
 */
final class VmlinuxMatch {
    private static final Pattern BANNER_RELEASE = Pattern.compile("^Linux version (\\S+)");

    private VmlinuxMatch() {
    }

    /** Why the vmlinux does not match, or empty when it does (or nothing can tell). */
    static Optional<String> mismatch(ElfSymbols vmlinux, Optional<VmcoreInfo> info) {
        if (info.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> dumpId = info.get().get("BUILD-ID");
        Optional<String> fileId = vmlinux.buildId();
        if (dumpId.isPresent() && fileId.isPresent()) {
            return dumpId.get().equalsIgnoreCase(fileId.get()) ? Optional.empty()
                    : Optional.of("build id " + fileId.get() + " differs from the dump's " + dumpId.get());
        }
        Optional<String> dumpRelease = info.get().release();
        Optional<String> fileRelease = vmlinux.linuxBanner().flatMap(VmlinuxMatch::release);
        if (dumpRelease.isPresent() && fileRelease.isPresent() && !dumpRelease.get().equals(fileRelease.get())) {
            return Optional.of("release " + fileRelease.get() + " differs from the dump's " + dumpRelease.get());
        }
        return Optional.empty();
    }

    static Optional<String> release(String banner) {
        Matcher m = BANNER_RELEASE.matcher(banner);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
