package dev.vmcore.format.dwarf;

import java.util.Optional;

/**
 * One unit header of {@code .debug_info} (DWARF 2 to 5, 32- or 64-bit), and the attributes of its
 * root DIE that other DIEs depend on (string-offset, address and range-list bases; the base address).
 * Those are read on first use.
 */
public final class Unit {
    private final Dwarf dwarf;
    private final long offset;
    private final long end;
    private final int version;
    private final int unitType;
    private final int addressSize;
    private final int offsetSize;
    private final long abbrevOffset;
    private final long firstDie;
    private final long typeSignature;
    private final long typeOffset;
    private volatile AbbrevTable abbrevs;
    private volatile Bases bases;

    /** Values from the root DIE; -1 where absent. */
    record Bases(long strOffsetsBase, long addrBase, long rnglistsBase, long loclistsBase, long lowPc, long stmtList) {
    }

    private Unit(Dwarf dwarf, long offset, long end, int version, int unitType, int addressSize, int offsetSize,
                 long abbrevOffset, long firstDie, long typeSignature, long typeOffset) {
        this.dwarf = dwarf;
        this.offset = offset;
        this.end = end;
        this.version = version;
        this.unitType = unitType;
        this.addressSize = addressSize;
        this.offsetSize = offsetSize;
        this.abbrevOffset = abbrevOffset;
        this.firstDie = firstDie;
        this.typeSignature = typeSignature;
        this.typeOffset = typeOffset;
    }

    /** Reads the unit header at {@code offset} of {@code info}. */
    static Unit parse(Dwarf dwarf, Section info, long offset) {
        Reader r = new Reader(info, offset);
        long length = r.u32();
        int offsetSize = 4;
        if (length == 0xffffffffL) {
            length = r.u64();
            offsetSize = 8;
        } else if (length >= 0xfffffff0L) {
            throw info.fault(offset, "reserved unit length 0x" + Long.toHexString(length));
        }
        long end = r.pos + length;
        if (length < 0 || end > info.size() || end < r.pos) {
            throw info.fault(offset, "unit length 0x" + Long.toHexString(length) + " runs past the end of the section");
        }
        r = new Reader(info, r.pos, end);
        int version = r.u16();
        if (version < 2 || version > 5) {
            throw info.fault(offset + offsetSize - 4 + 4, "unsupported DWARF version " + version);
        }
        int unitType = Dw.UT_COMPILE;
        int addressSize;
        long abbrevOffset;
        long signature = 0;
        long typeOffset = 0;
        if (version >= 5) {
            unitType = r.u8();
            addressSize = r.u8();
            abbrevOffset = r.offset(offsetSize);
            switch (unitType) {
                case Dw.UT_COMPILE, Dw.UT_PARTIAL -> { }
                case Dw.UT_SKELETON, Dw.UT_SPLIT_COMPILE -> signature = r.u64();
                case Dw.UT_TYPE, Dw.UT_SPLIT_TYPE -> {
                    signature = r.u64();
                    typeOffset = r.offset(offsetSize);
                }
                default -> throw info.fault(offset, "unknown unit type 0x" + Integer.toHexString(unitType));
            }
        } else {
            abbrevOffset = r.offset(offsetSize);
            addressSize = r.u8();
        }
        if (addressSize != 4 && addressSize != 8) {
            throw info.fault(offset, "unsupported address size " + addressSize);
        }
        return new Unit(dwarf, offset, end, version, unitType, addressSize, offsetSize, abbrevOffset, r.pos,
                signature, typeOffset);
    }

    /** Offset of the unit header in {@code .debug_info}. */
    public long offset() {
        return offset;
    }

    /** Offset just past the unit. */
    public long end() {
        return end;
    }

    public int version() {
        return version;
    }

    /** DW_UT_* (DW_UT_compile for DWARF 2 to 4). */
    public int unitType() {
        return unitType;
    }

    public int addressSize() {
        return addressSize;
    }

    /** 4 for 32-bit DWARF, 8 for 64-bit DWARF. */
    public int offsetSize() {
        return offsetSize;
    }

    public long abbrevOffset() {
        return abbrevOffset;
    }

    /** Offset of the root DIE. */
    public long firstDieOffset() {
        return firstDie;
    }

    /** The type signature (type units) or DWO id (skeleton and split units), else 0. */
    public long signature() {
        return typeSignature;
    }

    /** Unit-relative offset of the type DIE of a type unit, else 0. */
    public long typeOffset() {
        return typeOffset;
    }

    /** The root DIE (DW_TAG_compile_unit, partial_unit, type_unit...). */
    public Die root() {
        return dwarf.dieIn(this, firstDie);
    }

    /** The root DIE's DW_AT_name. */
    public Optional<String> name() {
        return root().string(Dw.AT_NAME);
    }

    Dwarf dwarf() {
        return dwarf;
    }

    AbbrevTable abbrevs() {
        AbbrevTable a = abbrevs;
        if (a == null) {
            a = dwarf.abbrevTable(abbrevOffset);
            abbrevs = a;
        }
        return a;
    }

    /**
     * The abbreviations for one pass over the unit (the name index's scan): the cached table when
     * there is one, else a table parsed for the caller and not kept, so that a scan of every unit
     * does not leave every table in the heap.
     */
    AbbrevTable abbrevsOnce() {
        AbbrevTable a = abbrevs;
        return a != null ? a : dwarf.abbrevTable(abbrevOffset);
    }

    Bases bases() {
        Bases b = bases;
        if (b == null) {
            Die root = root();
            long addrBase = root.rawUnsigned(Dw.AT_ADDR_BASE, root.rawUnsigned(Dw.AT_GNU_ADDR_BASE, defaultBase()));
            long lowPc = root.rawUnsigned(Dw.AT_LOW_PC, root.rawUnsigned(Dw.AT_ENTRY_PC, 0));
            int lowForm = root.form(Dw.AT_LOW_PC);
            if (lowForm != 0 && lowForm != Dw.FORM_ADDR) {
                Section addr = dwarf.section(".debug_addr");
                long at = addrBase + lowPc * addressSize;
                lowPc = lowPc >= 0 && lowPc < Integer.MAX_VALUE && at >= 0 ? addr.uN(at, addressSize) : 0;
            }
            b = new Bases(root.rawUnsigned(Dw.AT_STR_OFFSETS_BASE, defaultStrOffsetsBase()), addrBase,
                    root.rawUnsigned(Dw.AT_RNGLISTS_BASE, -1), root.rawUnsigned(Dw.AT_LOCLISTS_BASE, -1),
                    lowPc, root.rawUnsigned(Dw.AT_STMT_LIST, -1));
            bases = b;
        }
        return b;
    }

    /** Without DW_AT_str_offsets_base, the first entry after an 8/16-byte header (as GCC's split units assume). */
    private long defaultStrOffsetsBase() {
        return version >= 5 ? (offsetSize == 8 ? 16 : 8) : 0;
    }

    private long defaultBase() {
        return version >= 5 ? (offsetSize == 8 ? 16 : 8) : 0;
    }

    @Override
    public String toString() {
        return "unit at 0x" + Long.toHexString(offset) + " (DWARF " + version + ")";
    }
}
