/**
 * Layer 6: fault triage on top of the program and kernel layers. Among it: oops text (console,
 * dmesg, journalctl, or a dump's own log) parsed into its frames ({@link dev.vmcore.analyze.OopsText})
 * and symbolized to file:line and inline chains from vmlinux and module DWARF
 * ({@link dev.vmcore.analyze.OopsSymbolizer}), symbol-relative so that KASLR does not matter;
 * KASAN reports read into their facts ({@link dev.vmcore.analyze.KasanReport}) and classified
 * without registers.
 *
 * <p>Knows nothing of commands, printers or the command line.
 */
package dev.vmcore.analyze;
