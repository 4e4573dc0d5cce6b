/**
 * Layer 2: crash-dump files. Recognises a file by its content (never its name) and, in later
 * work, serves its physical memory and notes.
 *
 * <p>Knows the byte signatures of ELF cores, kdump-compressed, diskdump and makedumpfile's
 * flattened files. Knows no kernel semantics, symbols or commands.
 */
package dev.vmcore.dump;
