/**
 * Layer 4: the debugging session, the one object that ties a dump to its symbols, types and
 * architecture. Commands receive it; lower layers never see it.
 *
 * <p>Built complete by {@link dev.vmcore.program.Session#open}; nothing is set after construction.
 */
package dev.vmcore.program;
