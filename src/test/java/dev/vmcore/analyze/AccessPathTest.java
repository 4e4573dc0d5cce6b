package dev.vmcore.analyze;

import dev.vmcore.format.x86.Instruction;
import dev.vmcore.format.x86.Operand;
import dev.vmcore.format.x86.X86Decoder;
import dev.vmcore.types.FunctionType;
import dev.vmcore.types.IntType;
import dev.vmcore.types.Member;
import dev.vmcore.types.PointerType;
import dev.vmcore.types.StructType;
import dev.vmcore.types.Type;
import dev.vmcore.types.VoidType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The faulting access as C, from a prototype and decoded code, on synthetic types. */
class AccessPathTest {
    private static final Type ULONG = new IntType("unsigned long", 8, false, false);
    private static final Type INT = new IntType("int", 4, true, false);
    /** struct target { unsigned long value; } */
    private static final StructType TARGET = struct("target", 8, List.of(new Member("value", ULONG, 0, 0)));
    /** struct obj { unsigned long id; struct target *target; } */
    private static final StructType OBJ = struct("obj", 16,
            List.of(new Member("id", ULONG, 0, 0), new Member("target", PointerType.to(TARGET, 8), 64, 0)));
    /** struct list_head { struct list_head *next, *prev; }, built with a self reference. */
    private static final StructType LIST_HEAD = listHead();
    /** struct item { int id; struct list_head node; } */
    private static final StructType ITEM = struct("item", 24,
            List.of(new Member("id", INT, 0, 0), new Member("node", LIST_HEAD, 64, 0)));

    private static StructType struct(String tag, long size, List<Member> members) {
        return new StructType(StructType.Kind.STRUCT, tag, size, true, () -> members);
    }

    private static StructType listHead() {
        StructType[] self = new StructType[1];
        self[0] = new StructType(StructType.Kind.STRUCT, "list_head", 16, true, () -> List.of(
                new Member("next", new PointerType(8, () -> self[0]), 0, 0),
                new Member("prev", new PointerType(8, () -> self[0]), 64, 0)));
        return self[0];
    }

    private static FunctionType proto(String name, Type type) {
        return new FunctionType(VoidType.INSTANCE, List.of(new FunctionType.Param(name, type)), false);
    }

    /** The instructions of {@code hex}; the last one is the "faulting" one, returned apart. */
    private static Optional<AccessPath.Value> access(FunctionType proto, String hex) {
        return access(proto, hex, a -> Optional.empty());
    }

    private static Optional<AccessPath.Value> access(FunctionType proto, String hex,
                                                     LongFunction<Optional<AccessPath.Value>> globals) {
        byte[] code = HexFormat.of().parseHex(hex.replace(" ", ""));
        List<Instruction> insns = new ArrayList<>();
        for (int off = 0; off < code.length; ) {
            Instruction i = X86Decoder.decode(code, off, 0x1000 + off);
            insns.add(i);
            off += i.length();
        }
        Instruction fault = insns.remove(insns.size() - 1);
        Operand.Mem m = FaultAnalyzer.memoryOperand(fault).orElseThrow();
        return AccessPath.lvalue(m, AccessPath.registersAfter(insns, proto, globals));
    }

    @Test
    void aMemberLoadedFromAnArgumentIsFollowed() {
        // mov 0x8(%rdi),%rax ; mov (%rax),%rax
        AccessPath.Value v = access(proto("obj", PointerType.to(OBJ, 8)), "48 8b 47 08  48 8b 00").orElseThrow();
        assertEquals("obj->target->value", v.expression());
        assertEquals(ULONG, v.type());
    }

    @Test
    void nestedMembersAndAStoreThroughTheLoadedPointer() {
        // mov 0x8(%rdi),%rax ; mov %rdi,0x8(%rax)
        AccessPath.Value v = access(proto("item", PointerType.to(ITEM, 8)), "48 8b 47 08  48 89 78 08").orElseThrow();
        assertEquals("item->node.next->prev", v.expression());
    }

    @Test
    void aCopyKeepsTheValueAndLeaTakesAMembersAddress() {
        // mov %rdi,%rbx ; lea 0x8(%rbx),%rax ; mov 0x8(%rax),%rdx
        AccessPath.Value v = access(proto("item", PointerType.to(ITEM, 8)), "48 89 fb  48 8d 43 08  48 8b 50 08")
                .orElseThrow();
        assertEquals("item->node.prev", v.expression());
    }

    @Test
    void aScalarPointerIsDereferencedOrIndexed() {
        assertEquals("*p", access(proto("p", PointerType.to(INT, 8)), "89 37").orElseThrow().expression()); // mov %esi,(%rdi)
        assertEquals("p[2]", access(proto("p", PointerType.to(INT, 8)), "89 77 08").orElseThrow().expression());
        assertTrue(access(proto("p", PointerType.to(INT, 8)), "89 77 06").isEmpty(), "offset 6 is inside an int");
    }

    @Test
    void aCallForgetsTheCallerSavedRegisters() {
        // mov 0x8(%rdi),%rax ; call . ; mov (%rax),%rax
        assertTrue(access(proto("obj", PointerType.to(OBJ, 8)), "48 8b 47 08  e8 00 00 00 00  48 8b 00").isEmpty());
        // mov 0x8(%rdi),%rbx ; call . ; mov (%rbx),%rax: rbx is callee-saved
        assertEquals("obj->target->value",
                access(proto("obj", PointerType.to(OBJ, 8)), "48 8b 5f 08  e8 00 00 00 00  48 8b 03").orElseThrow().expression());
    }

    @Test
    void aPartialWriteForgetsTheRegister() {
        // mov 0x8(%rdi),%rax ; mov $0x0,%eax ; mov (%rax),%rax
        assertTrue(access(proto("obj", PointerType.to(OBJ, 8)), "48 8b 47 08  b8 00 00 00 00  48 8b 00").isEmpty());
        // mov 0x8(%rdi),%rax ; cmp %rax,%rdi (a read) ; mov (%rax),%rax
        assertTrue(access(proto("obj", PointerType.to(OBJ, 8)), "48 8b 47 08  48 39 c7  48 8b 00").isPresent());
    }

    @Test
    void anOffsetInsideAMemberOrAnUnknownBaseGivesNothing() {
        // mov 0x4(%rdi),%rax: inside obj.id
        assertTrue(access(proto("obj", PointerType.to(OBJ, 8)), "48 8b 47 04").isEmpty());
        // mov (%rsi),%rax: rsi is no argument here
        assertTrue(access(proto("obj", PointerType.to(OBJ, 8)), "48 8b 06").isEmpty());
    }

    @Test
    void aPointerLoadedFromAGlobalVariableIsFollowed() {
        FunctionType none = new FunctionType(VoidType.INSTANCE, List.of(), false);
        // Code at 0x1000: mov 0x100(%rip),%rax is a load of the global at 0x1107.
        LongFunction<Optional<AccessPath.Value>> globals = a -> a == 0x1107
                ? Optional.of(new AccessPath.Value("current_item", PointerType.to(ITEM, 8))) : Optional.empty();
        // mov 0x100(%rip),%rax ; mov 0x10(%rax),%rdx
        assertEquals("current_item->node.prev", access(none, "48 8b 05 00 01 00 00  48 8b 50 10", globals)
                .orElseThrow().expression());
        // Another address is no known variable.
        assertTrue(access(none, "48 8b 05 00 02 00 00  48 8b 50 10", globals).isEmpty());
    }

    @Test
    void theAddressOfAGlobalStructReadsAsItsMembers() {
        FunctionType none = new FunctionType(VoidType.INSTANCE, List.of(), false);
        LongFunction<Optional<AccessPath.Value>> globals = a -> a == 0x1107
                ? Optional.of(new AccessPath.Value("the_obj", OBJ)) : Optional.empty();
        // lea 0x100(%rip),%rax ; mov 0x8(%rax),%rax ; mov (%rax),%rax
        assertEquals("the_obj.target->value", access(none, "48 8d 05 00 01 00 00  48 8b 40 08  48 8b 00", globals)
                .orElseThrow().expression());
    }

    @Test
    void anAddressImmediateIsAGlobalsAddress() {
        FunctionType none = new FunctionType(VoidType.INSTANCE, List.of(), false);
        LongFunction<Optional<AccessPath.Value>> globals = a -> a == 0xffffffffc0001000L
                ? Optional.of(new AccessPath.Value("pool[1]", ITEM)) : Optional.empty();
        // mov $0xffffffffc0001000,%rdi ; mov 0x8(%rdi),%rax
        assertEquals("pool[1].node.next", access(none, "48 c7 c7 00 10 00 c0  48 8b 47 08", globals).orElseThrow().expression());
        // mov $0xa,%edi is a number, not an address
        assertTrue(access(none, "bf 0a 00 00 00  48 8b 47 08", a -> Optional.of(new AccessPath.Value("x", ITEM))).isEmpty());
    }

    @Test
    void theRootOfAnExpressionIsItsFirstVariable() {
        assertEquals("obj", AccessPath.root("obj->target->value"));
        assertEquals("p", AccessPath.root("*p"));
        assertEquals("p", AccessPath.root("p[2]"));
        assertEquals("pool", AccessPath.root("(&pool[1])->next"));
    }

    @Test
    void membersAreFoundAtTheirStartOnly() {
        assertEquals("node.next", AccessPath.member(ITEM, 8).orElseThrow().path());
        assertEquals("struct list_head *next", AccessPath.member(ITEM, 8).orElseThrow().declaration());
        assertEquals("node.prev", AccessPath.member(ITEM, 16).orElseThrow().path());
        assertTrue(AccessPath.member(ITEM, 2).isEmpty());
    }
}
