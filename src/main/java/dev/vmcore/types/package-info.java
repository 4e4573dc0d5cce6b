/**
 * Layer 3: the one C type model of the project ({@link dev.vmcore.types.Type}, a sealed hierarchy)
 * and the {@link dev.vmcore.types.TypeSource} seam that BTF ({@link dev.vmcore.types.BtfTypeSource})
 * and DWARF ({@link dev.vmcore.types.DwarfTypeSource}) fill. Also helpers over the model: sizeof,
 * member lookup by path with total offset ({@link dev.vmcore.types.Types}), and C declarations as
 * gdb prints them ({@link dev.vmcore.types.TypeNames}).
 *
 * <p>Types that refer back to themselves (a list_head's pointers, a struct's members) resolve
 * lazily, so the model is immutable from the caller's side yet never built whole. Knows nothing of
 * memory, sessions or commands: reading values is the program layer's and the commands' business.
 */
package dev.vmcore.types;
