/**
 * Stack unwinding: one loop over a {@link dev.vmcore.unwind.RegisterState}, stepped by ORC entries
 * (from the kernel's tables in memory, or a module's), with frame pointers as the fallback for
 * code without ORC data. Passes through exception and interrupt frames ({@code pt_regs} on the
 * stack) and across stacks (task, IRQ, exception stacks); every unwind is capped and never loops.
 */
package dev.vmcore.unwind;
