#!/usr/bin/python3
"""elf-fixup.py IN OUT: copy a QEMU 7.2 ELF dump into a layout makedumpfile 1.7.x can read.

QEMU 7.2 writes the section headers at offset 64 and the program headers after them (192);
makedumpfile assumes the program headers follow the ELF header directly ("Can't get the number
of PT_LOAD"). The copy moves the program headers to offset 64, drops the section headers
(e_shoff = e_shnum = e_shstrndx = 0) and fixes e_ehsize (QEMU writes 8). Notes and memory stay
at their offsets, so the bytes are the same. Stdlib only.
"""
import shutil
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        head = f.read(64)
        (ident, e_type, e_machine, e_version, e_entry, e_phoff, e_shoff, e_flags, e_ehsize,
         e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx) = EHDR.unpack(head)
        if ident[:4] != b"\x7fELF" or ident[4] != 2 or e_type != 4:
            sys.exit("elf-fixup: %s is not an ELF64 core file" % src)
        if e_phnum == 0xFFFF:
            sys.exit("elf-fixup: %s uses PN_XNUM, not supported" % src)
        f.seek(e_phoff)
        phdrs = f.read(e_phnum * e_phentsize)
    first_data = min(struct.unpack_from("<IIQ", phdrs, i * e_phentsize)[2]
                     for i in range(e_phnum))
    if 64 + len(phdrs) > first_data:
        sys.exit("elf-fixup: no room for the program headers before the first segment")
    shutil.copyfile(src, dst)
    with open(dst, "r+b") as f:
        f.write(EHDR.pack(ident, e_type, e_machine, e_version, e_entry, 64, 0, e_flags, 64,
                          e_phentsize, e_phnum, 0, 0, 0))
        f.write(phdrs)
        f.write(b"\0" * (first_data - 64 - len(phdrs)))


if __name__ == "__main__":
    main()
