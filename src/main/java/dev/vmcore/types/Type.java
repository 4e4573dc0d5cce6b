package dev.vmcore.types;

/**
 * A C type. Render with a pattern-matching switch; {@link TypeNames} gives C declarations and
 * {@link Types} sizes and member lookups.
 */
public sealed interface Type permits VoidType, IntType, BoolType, FloatType, PointerType, ArrayType, StructType,
        EnumType, TypedefType, FunctionType, QualifiedType {
    /** Size in bytes (0 for void, functions and incomplete structs; arrays multiply out). */
    long size();
}
