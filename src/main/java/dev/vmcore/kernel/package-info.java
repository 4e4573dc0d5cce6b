/**
 * Layer 6: the kernel's own records read from the dump, one class per subsystem (utsname, tasks,
 * modules, printk, per-CPU data, panic state). Each probes for the features it needs (symbols,
 * members, VMCOREINFO keys) rather than trusting version numbers.
 *
 * <p>Works through {@link dev.vmcore.program.Session}; knows nothing of commands or output.
 */
package dev.vmcore.kernel;
