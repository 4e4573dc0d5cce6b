/**
 * Layer 8: running command lines, interactively (jline) or in batch. Splits a line into commands,
 * pipes and redirections, dispatches each to the shared command tree, and keeps going after any
 * failure.
 *
 * <p>Knows commands and the session only through their interfaces; knows nothing about dump
 * formats or the kernel.
 */
package dev.vmcore.shell;
