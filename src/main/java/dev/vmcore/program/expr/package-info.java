/**
 * Expressions as gdb users type them at crash's {@code p} and {@code whatis}: a parser for the C
 * subset with crash's per-CPU suffix ({@link dev.vmcore.program.expr.Parser}), and an evaluator
 * ({@link dev.vmcore.program.expr.Evaluator}) to typed {@link dev.vmcore.program.Value}s over the
 * session's symbols, types and kernel memory, with {@link dev.vmcore.program.expr.PerCpu} for
 * {@code NAME:CPU}.
 *
 * <p>Knows nothing of printing: how values look (gdb's format with crash's settings) is the
 * commands' business. Errors are {@link dev.vmcore.program.expr.ExpressionException}s with gdb's
 * wording and the column at fault.
 */
package dev.vmcore.program.expr;
