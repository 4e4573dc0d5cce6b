/**
 * Layer 8: the {@code vmcore} command line. Parses options, recognises the input files by
 * content, opens the session and hands over to batch mode or the interactive shell. Thin: the
 * commands themselves live in {@code dev.vmcore.commands}.
 */
package dev.vmcore.cli;
