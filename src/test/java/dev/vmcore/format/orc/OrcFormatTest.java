package dev.vmcore.format.orc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decoding the 16 flag bits of {@code struct orc_entry} in each layout, from bits written the way
 * objtool lays out the little-endian bitfields (arch/x86/include/asm/orc_types.h).
 */
class OrcFormatTest {
    /** The type numbers of the pre-6.4 layout (type:2): ORC_TYPE_CALL 0, REGS 1, REGS_PARTIAL 2. */
    private static final List<OrcType> END_BIT_TYPES = List.of(OrcType.CALL, OrcType.REGS, OrcType.REGS_PARTIAL);
    /** The type numbers since 6.4 (type:3). */
    private static final List<OrcType> TYPED_TYPES = List.of(OrcType.UNDEFINED, OrcType.END_OF_STACK, OrcType.CALL,
            OrcType.REGS, OrcType.REGS_PARTIAL);

    /** The flag bits of a pre-6.4 entry: sp_reg:4 bp_reg:4 type:2 end:1 signal:1. */
    static int endBitBits(int spReg, int bpReg, int type, boolean end, boolean signal) {
        return spReg | bpReg << 4 | type << 8 | (end ? 1 << 10 : 0) | (signal ? 1 << 11 : 0);
    }

    /** The flag bits of a 6.4+ entry: sp_reg:4 bp_reg:4 type:3 signal:1. */
    static int typedBits(int spReg, int bpReg, int type, boolean signal) {
        return spReg | bpReg << 4 | type << 8 | (signal ? 1 << 11 : 0);
    }

    /** Encodes an entry for {@code format} (END_OF_STACK in the old layout: sp_reg UNDEFINED plus the end bit). */
    static int bits(OrcFormat format, OrcReg sp, OrcReg bp, OrcType type, boolean signal) {
        int s = format.number(sp);
        int b = format.number(bp);
        if (s < 0 || b < 0) {
            throw new IllegalArgumentException(format + " has no number for " + sp + " or " + bp);
        }
        if (format == OrcFormat.END_BIT) {
            return switch (type) {
                case END_OF_STACK -> endBitBits(format.number(OrcReg.UNDEFINED), b, 0, true, signal);
                case UNDEFINED -> endBitBits(format.number(OrcReg.UNDEFINED), b, 0, false, signal);
                default -> endBitBits(s, b, END_BIT_TYPES.indexOf(type), false, signal);
            };
        }
        return typedBits(s, b, TYPED_TYPES.indexOf(type), signal);
    }

    @Test
    void registerNumbersBefore71AreTheKernels() {
        // orc_types.h: UNDEFINED 0, PREV_SP 1, DX 2, DI 3, BP 4, SP 5, R10 6, R13 7, BP_INDIRECT 8, SP_INDIRECT 9
        List<OrcReg> kernel = List.of(OrcReg.UNDEFINED, OrcReg.PREV_SP, OrcReg.DX, OrcReg.DI, OrcReg.BP, OrcReg.SP,
                OrcReg.R10, OrcReg.R13, OrcReg.BP_INDIRECT, OrcReg.SP_INDIRECT);
        for (OrcFormat f : List.of(OrcFormat.END_BIT, OrcFormat.TYPED)) {
            for (int n = 0; n < kernel.size(); n++) {
                assertEquals(kernel.get(n), f.register(n), f + " register " + n);
                assertEquals(n, f.number(kernel.get(n)), f + " number of " + kernel.get(n));
            }
        }
    }

    @Test
    void renumberedLayoutIsABijection() {
        OrcFormat f = OrcFormat.TYPED_RENUMBERED;
        Set<OrcReg> seen = EnumSet.noneOf(OrcReg.class);
        for (int n = 0; n < 16; n++) {
            OrcReg r = f.register(n);
            if (r != null) {
                assertTrue(seen.add(r), "register " + r + " numbered twice");
                assertEquals(n, f.number(r));
            }
        }
        assertEquals(EnumSet.allOf(OrcReg.class), seen, "every register has a number");
        assertEquals(0, f.number(OrcReg.UNDEFINED));
        assertEquals(3, f.number(OrcReg.SP), "the number detectFormat counts");
    }

    @ParameterizedTest
    @EnumSource(OrcFormat.class)
    void everyRegisterDecodesAsSpAndAsBp(OrcFormat f) {
        int decoded = 0;
        for (OrcReg r : OrcReg.values()) {
            int n = f.number(r);
            if (n < 0) {
                continue;
            }
            decoded++;
            OrcEntry asSp = f.decode((short) 8, (short) 0, bits(f, r, OrcReg.UNDEFINED, OrcType.CALL, false));
            assertNotNull(asSp, f + " sp " + r);
            assertEquals(r, asSp.spReg());
            assertEquals(OrcReg.UNDEFINED, asSp.bpReg());
            OrcEntry asBp = f.decode((short) 16, (short) -16, bits(f, OrcReg.SP, r, OrcType.CALL, false));
            assertNotNull(asBp, f + " bp " + r);
            assertEquals(OrcReg.SP, asBp.spReg());
            assertEquals(r, asBp.bpReg());
        }
        assertEquals(11, decoded); // AX is 10 in the old numbering too (Clang's DRAP, 6.12+)
    }

    @ParameterizedTest
    @EnumSource(OrcFormat.class)
    void undefinedRegisterNumbersAreNull(OrcFormat f) {
        for (int n = 11; n < 16; n++) {
            assertNull(f.register(n), f + " register " + n);
            assertNull(f.decode((short) 8, (short) 0, n | 2 << 8), f + " sp_reg " + n);
            assertNull(f.decode((short) 8, (short) 0, f.number(OrcReg.SP) | n << 4 | 2 << 8), f + " bp_reg " + n);
        }
        assertNull(f.register(-1));
        assertNull(f.register(16));
        assertEquals(f == OrcFormat.TYPED_RENUMBERED ? 1 : 10, f.number(OrcReg.AX));
    }

    @Test
    void axIsRegister10InTheTypedLayout() {
        OrcEntry e = OrcFormat.TYPED.decode((short) 0, (short) 0, typedBits(10, 0, 2, false));
        assertNotNull(e);
        assertEquals(OrcReg.AX, e.spReg());
    }

    @Test
    void offsetsAreSigned16Bit() {
        int bits = bits(OrcFormat.TYPED, OrcReg.SP, OrcReg.PREV_SP, OrcType.CALL, false);
        OrcEntry e = OrcFormat.TYPED.decode((short) -8, (short) 0x7fff, bits);
        assertEquals(-8, e.spOffset());
        assertEquals(0x7fff, e.bpOffset());
        e = OrcFormat.TYPED.decode((short) 0x8000, (short) 0xfff0, bits);
        assertEquals(-0x8000, e.spOffset());
        assertEquals(-16, e.bpOffset());
    }

    @Test
    void endBitTypes() {
        OrcFormat f = OrcFormat.END_BIT;
        int sp = f.number(OrcReg.SP);
        int bp = f.number(OrcReg.PREV_SP);
        assertEquals(new OrcEntry(OrcReg.SP, 8, OrcReg.PREV_SP, -16, OrcType.CALL, false),
                f.decode((short) 8, (short) -16, endBitBits(sp, bp, 0, false, false)));
        // pre-6.3 REGS and REGS_PARTIAL frames carry no signal bit but are signal frames
        assertEquals(new OrcEntry(OrcReg.SP, 0, OrcReg.PREV_SP, -16, OrcType.REGS, true),
                f.decode((short) 0, (short) -16, endBitBits(sp, bp, 1, false, false)));
        assertEquals(new OrcEntry(OrcReg.SP, 40, OrcReg.UNDEFINED, 0, OrcType.REGS_PARTIAL, true),
                f.decode((short) 40, (short) 0, endBitBits(sp, 0, 2, false, false)));
        assertNull(f.decode((short) 8, (short) 0, endBitBits(sp, 0, 3, false, false)), "type 3 does not exist");
    }

    @Test
    void endBitMeansEndOfStackOnlyWithUndefinedSp() {
        OrcFormat f = OrcFormat.END_BIT;
        OrcEntry end = f.decode((short) 0, (short) 0, endBitBits(0, 0, 0, true, false));
        assertEquals(OrcType.END_OF_STACK, end.type());
        assertEquals(OrcReg.UNDEFINED, end.spReg());
        // with sp_reg UNDEFINED the type bits do not matter
        assertEquals(OrcType.END_OF_STACK, f.decode((short) 0, (short) 0, endBitBits(0, 0, 1, true, false)).type());
        assertEquals(OrcType.UNDEFINED, f.decode((short) 0, (short) 0, endBitBits(0, 0, 0, false, false)).type());
        assertEquals(OrcType.UNDEFINED, f.decode((short) 0, (short) 0, endBitBits(0, 0, 1, false, false)).type());
        // with a defined sp the kernel ignores the end bit
        OrcEntry call = f.decode((short) 8, (short) 0, endBitBits(f.number(OrcReg.SP), 0, 0, true, false));
        assertEquals(OrcType.CALL, call.type());
        assertEquals(OrcReg.SP, call.spReg());
    }

    @Test
    void endBitSignal() {
        OrcFormat f = OrcFormat.END_BIT;
        int sp = f.number(OrcReg.SP);
        assertTrue(f.decode((short) 8, (short) 0, endBitBits(sp, 0, 0, false, true)).signal());
        assertFalse(f.decode((short) 8, (short) 0, endBitBits(sp, 0, 0, false, false)).signal());
        assertEquals(OrcType.CALL, f.decode((short) 8, (short) 0, endBitBits(sp, 0, 0, false, true)).type(),
                "the signal bit (11) is not part of the type");
    }

    @ParameterizedTest
    @EnumSource(value = OrcFormat.class, names = {"TYPED", "TYPED_RENUMBERED"})
    void typedTypes(OrcFormat f) {
        int sp = f.number(OrcReg.SP);
        int bp = f.number(OrcReg.PREV_SP);
        for (int t = 0; t < TYPED_TYPES.size(); t++) {
            OrcEntry e = f.decode((short) 24, (short) -24, typedBits(sp, bp, t, false));
            assertEquals(TYPED_TYPES.get(t), e.type(), f + " type " + t);
            assertEquals(OrcReg.SP, e.spReg());
            assertEquals(24, e.spOffset());
            assertEquals(OrcReg.PREV_SP, e.bpReg());
            assertEquals(-24, e.bpOffset());
            boolean regs = TYPED_TYPES.get(t) == OrcType.REGS || TYPED_TYPES.get(t) == OrcType.REGS_PARTIAL;
            assertEquals(regs, e.signal(), f + " type " + t + " signal without the bit");
            assertTrue(f.decode((short) 24, (short) -24, typedBits(sp, bp, t, true)).signal(), f + " type " + t);
        }
        for (int t = 5; t < 8; t++) {
            assertNull(f.decode((short) 8, (short) 0, typedBits(sp, 0, t, false)), f + " type " + t);
        }
    }

    @Test
    void typedLayoutHasNoEndBit() {
        // bit 10 is the top bit of type:3: UNDEFINED (0) with bit 10 set is type 4, REGS_PARTIAL
        OrcEntry e = OrcFormat.TYPED.decode((short) 0, (short) 0, 0x400);
        assertEquals(OrcType.REGS_PARTIAL, e.type());
        assertEquals(OrcReg.UNDEFINED, e.spReg());
        // and END_OF_STACK is type 1 whatever the sp register
        assertEquals(OrcType.END_OF_STACK, OrcFormat.TYPED.decode((short) 0, (short) 0,
                typedBits(OrcFormat.TYPED.number(OrcReg.SP), 0, 1, false)).type());
    }

    @Test
    void sameEntryDiffersOnlyInRegisterNumbers() {
        OrcEntry want = new OrcEntry(OrcReg.SP_INDIRECT, 8, OrcReg.BP, -8, OrcType.CALL, true);
        for (OrcFormat f : OrcFormat.values()) {
            assertEquals(want, f.decode((short) 8, (short) -8, bits(f, OrcReg.SP_INDIRECT, OrcReg.BP, OrcType.CALL, true)),
                    f.toString());
        }
        int typedSp = typedBits(OrcFormat.TYPED.number(OrcReg.SP), 0, 2, false);
        assertEquals(OrcReg.SP, OrcFormat.TYPED.decode((short) 8, (short) 0, typedSp).spReg());
        assertEquals(OrcReg.DI, OrcFormat.TYPED_RENUMBERED.decode((short) 8, (short) 0, typedSp).spReg(),
                "raw 5 is DI after the renumbering");
    }
}
