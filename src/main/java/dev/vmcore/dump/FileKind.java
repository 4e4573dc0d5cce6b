package dev.vmcore.dump;

/** What a file given on the command line is, judged from its first bytes. */
public enum FileKind {
    ELF_CORE("ELF core dump", true),
    KDUMP_COMPRESSED("kdump-compressed dump", true),
    DISKDUMP("diskdump", true),
    FLATTENED("makedumpfile flattened dump", true),
    ELF_VMLINUX("ELF kernel image (vmlinux)", false),
    ELF_RELOCATABLE("ELF relocatable object (kernel module)", false);

    private final String description;
    private final boolean dump;

    FileKind(String description, boolean dump) {
        this.description = description;
        this.dump = dump;
    }

    public String description() {
        return description;
    }

    /** True for the kinds that hold a memory image. */
    public boolean isDump() {
        return dump;
    }
}
