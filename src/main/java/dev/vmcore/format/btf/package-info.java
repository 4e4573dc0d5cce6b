/**
 * Layer 1: BTF (BPF Type Format, {@code include/uapi/linux/btf.h}, {@code Documentation/bpf/btf.rst})
 * over a byte buffer: the header, the string section and every type kind (INT to ENUM64), and split
 * BTF, whose type ids and string offsets continue after those of a base BTF (a module's BTF over
 * vmlinux's).
 *
 * <p>Pure functions of bytes: {@link dev.vmcore.format.btf.Btf#parse} takes a
 * {@link dev.vmcore.util.ByteSource} and never asks where it came from (a vmlinux {@code .BTF}
 * section or kernel memory between {@code __start_BTF} and {@code __stop_BTF}). Every count,
 * offset, string and type id is checked; corrupt input throws {@link dev.vmcore.util.FormatException}:
 * the header and each record's kind and length when parsed, the rest of a record (sizes, type ids,
 * names) when it is first decoded, since a session decodes a few hundred of ~100k types.
 *
 * <p>Knows nothing of the kernel or of the project's type model ({@code dev.vmcore.types} adapts it).
 * Little-endian BTF only (the byte-swapped magic is reported as unsupported).
 */
package dev.vmcore.format.btf;
