/**
 * Layer 1: what a kernel module file (.ko) says about itself apart from its code: the
 * {@code .modinfo} key=value strings, and the signature scripts/sign-file appends (a PKCS#7 /
 * CMS SignedData blob, {@code struct module_signature}, the magic
 * {@code "~Module signature appended~\n"}; include/linux/module_signature.h).
 *
 * <p>Pure functions of bytes; knows nothing of files on disk, dumps or loaded modules. The CMS
 * structures are parsed with bouncycastle, whose types do not leave this package. The signature is
 * described, not verified (that needs the kernel's trusted keys).
 */
package dev.vmcore.format.modsig;
