/**
 * Layer 7: the commands a user types, one class each, and the printer they write to.
 *
 * <p>A command composes lower-layer helpers, computes its data once and renders it as text (crash's
 * layout) or as one JSON object. It writes only to the {@link dev.vmcore.commands.Printer} it is
 * handed: no System.out, no jline, no parsing of dump bytes.
 */
package dev.vmcore.commands;
