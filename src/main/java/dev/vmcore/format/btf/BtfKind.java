package dev.vmcore.format.btf;

/** The BTF_KIND_* values of {@code include/uapi/linux/btf.h}. */
public enum BtfKind {
    UNKNOWN, INT, PTR, ARRAY, STRUCT, UNION, ENUM, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FUNC_PROTO,
    VAR, DATASEC, FLOAT, DECL_TAG, TYPE_TAG, ENUM64
}
