package dev.vmcore.format.btf;

import java.util.List;

/**
 * One BTF type as recorded, type references left as ids (0 = void). Names are "" when anonymous.
 * The records follow the kinds of {@code btf.h}; qualifiers (CONST, VOLATILE, RESTRICT, TYPE_TAG)
 * share {@link Qualifier}, ENUM and ENUM64 share {@link Enumeration}.
 */
public sealed interface BtfType {
    /** The type's name, "" when it has none. */
    String name();

    BtfKind kind();

    /** INT: {@code encoding} holds BTF_INT_SIGNED (1), BTF_INT_CHAR (2), BTF_INT_BOOL (4). */
    record Int(String name, int size, int encoding, int bitOffset, int bits) implements BtfType {
        public static final int SIGNED = 1;
        public static final int CHAR = 2;
        public static final int BOOL = 4;

        public BtfKind kind() {
            return BtfKind.INT;
        }

        public boolean signed() {
            return (encoding & SIGNED) != 0;
        }
    }

    record Pointer(String name, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.PTR;
        }
    }

    record Array(String name, int elementType, int indexType, long count) implements BtfType {
        public BtfKind kind() {
            return BtfKind.ARRAY;
        }
    }

    /** STRUCT or UNION; {@code bitSize} of a member is 0 unless it is a bitfield. */
    record Composite(String name, boolean union, long size, List<Member> members) implements BtfType {
        public BtfKind kind() {
            return union ? BtfKind.UNION : BtfKind.STRUCT;
        }
    }

    record Member(String name, int type, long bitOffset, int bitSize) {
    }

    /** ENUM or ENUM64 (a 64-bit one when {@code wide}); values are sign-extended when {@code signed}. */
    record Enumeration(String name, long size, boolean signed, boolean wide, List<Enumerator> values) implements BtfType {
        public BtfKind kind() {
            return wide ? BtfKind.ENUM64 : BtfKind.ENUM;
        }
    }

    record Enumerator(String name, long value) {
    }

    /** FWD: a declared, undefined struct or union. */
    record Forward(String name, boolean union) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FWD;
        }
    }

    record Typedef(String name, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.TYPEDEF;
        }
    }

    /** CONST, VOLATILE, RESTRICT or TYPE_TAG (whose name is the tag). */
    record Qualifier(String name, BtfKind kind, int type) implements BtfType {
    }

    /** FUNC: a function named {@code name} of prototype {@code protoType}; linkage 0 static, 1 global, 2 extern. */
    record Function(String name, int protoType, int linkage) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FUNC;
        }
    }

    /** FUNC_PROTO; a last parameter of type 0 without name means "...", kept as {@code variadic}. */
    record FunctionProto(String name, int returnType, List<Param> params, boolean variadic) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FUNC_PROTO;
        }
    }

    record Param(String name, int type) {
    }

    record Variable(String name, int type, int linkage) implements BtfType {
        public BtfKind kind() {
            return BtfKind.VAR;
        }
    }

    record DataSection(String name, long size, List<SectionVar> vars) implements BtfType {
        public BtfKind kind() {
            return BtfKind.DATASEC;
        }
    }

    record SectionVar(int type, long offset, long size) {
    }

    record FloatingPoint(String name, int size) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FLOAT;
        }
    }

    /** DECL_TAG on {@code type}; {@code componentIdx} -1 for the type itself, else a member or parameter index. */
    record DeclTag(String name, int type, int componentIdx) implements BtfType {
        public BtfKind kind() {
            return BtfKind.DECL_TAG;
        }
    }
}
