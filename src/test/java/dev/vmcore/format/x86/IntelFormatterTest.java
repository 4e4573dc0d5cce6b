package dev.vmcore.format.x86;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Hand-picked encodings with the Intel text objdump (binutils 2.40) prints for them: operand
 * order, size keywords (and where there is none), absolute and RIP-relative memory, segment
 * overrides, string operands, Intel mnemonics, x87, SSE/AVX/AVX-512 with masks and broadcasts,
 * prefixes. The table was made by laying the bytes one after another in a file and reading
 * {@code objdump -D -b binary -m i386:x86-64 -M intel -w} of it (the address is the offset in
 * that file); the expected text is kept here, not the tool.
 */
class IntelFormatterTest {
    /** address | bytes | objdump -M intel text. */
    static final String CASES = """
            0|55|push   rbp
            1|48 89 e5|mov    rbp,rsp
            4|48 8b 47 08|mov    rax,QWORD PTR [rdi+0x8]
            8|48 89 45 f8|mov    QWORD PTR [rbp-0x8],rax
            c|c7 47 10 00 00 00 00|mov    DWORD PTR [rdi+0x10],0x0
            13|48 c7 00 ff ff ff ff|mov    QWORD PTR [rax],0xffffffffffffffff
            1a|c6 04 37 01|mov    BYTE PTR [rdi+rsi*1],0x1
            1e|66 c7 40 02 05 00|mov    WORD PTR [rax+0x2],0x5
            24|65 48 8b 04 25 28 00 00 00|mov    rax,QWORD PTR gs:0x28
            2d|64 48 8b 00|mov    rax,QWORD PTR fs:[rax]
            31|65 8b 04 24|mov    eax,DWORD PTR gs:[rsp]
            35|48 8d 3d 34 12 00 00|lea    rdi,[rip+0x1234]        # 0x1270
            3c|48 8b 05 78 56 34 12|mov    rax,QWORD PTR [rip+0x12345678]        # 0x123456bb
            43|48 8d 3d 7a f3 ff ff|lea    rdi,[rip+0xfffffffffffff37a]        # 0xfffffffffffff3c4
            4a|48 8b 14 dd 20 4e 57 82|mov    rdx,QWORD PTR [rbx*8-0x7da8b1e0]
            52|8b 04 25 10 00 00 00|mov    eax,DWORD PTR ds:0x10
            59|8d 04 25 00 01 00 00|lea    eax,ds:0x100
            60|48 8b 04 20|mov    rax,QWORD PTR [rax+riz*1]
            64|8b 44 24 f8|mov    eax,DWORD PTR [rsp-0x8]
            68|0f 1f 44 00 00|nop    DWORD PTR [rax+rax*1+0x0]
            6d|66 0f 1f 84 00 00 00 00 00|nop    WORD PTR [rax+rax*1+0x0]
            76|0f 1f 00|nop    DWORD PTR [rax]
            79|0f 1f c0|nop    eax
            7c|66 90|xchg   ax,ax
            7e|48 b8 88 77 66 55 44 33 22 11|movabs rax,0x1122334455667788
            88|a0 88 77 66 55 44 33 22 11|movabs al,ds:0x1122334455667788
            91|64 a1 00 01 00 00 00 00 00 00|movabs eax,fs:0x100
            9b|67 a0 00 01 00 00|addr32 mov al,ds:0x100
            a1|67 8b 07|mov    eax,DWORD PTR [edi]
            a4|45 89 c7|mov    r15d,r8d
            a7|40 88 f7|mov    dil,sil
            aa|0f b6 00|movzx  eax,BYTE PTR [rax]
            ad|48 0f b6 07|movzx  rax,BYTE PTR [rdi]
            b1|0f b7 c8|movzx  ecx,ax
            b4|48 0f be d0|movsx  rdx,al
            b8|0f bf 37|movsx  esi,WORD PTR [rdi]
            bb|48 63 ff|movsxd rdi,edi
            be|63 c0|movsxd eax,eax
            c0|48 98|cdqe
            c2|98|cwde
            c3|66 98|cbw
            c5|48 99|cqo
            c7|99|cdq
            c8|66 99|cwd
            ca|48 83 c0 01|add    rax,0x1
            ce|48 83 c4 80|add    rsp,0xffffffffffffff80
            d2|83 00 01|add    DWORD PTR [rax],0x1
            d5|80 7f 01 00|cmp    BYTE PTR [rdi+0x1],0x0
            d9|f6 47 18 04|test   BYTE PTR [rdi+0x18],0x4
            dd|a8 01|test   al,0x1
            df|48 6b c0 38|imul   rax,rax,0x38
            e3|48 f7 77 08|div    QWORD PTR [rdi+0x8]
            e7|d1 e0|shl    eax,1
            e9|48 d1 2f|shr    QWORD PTR [rdi],1
            ec|48 d3 f8|sar    rax,cl
            ef|d3 38|sar    DWORD PTR [rax],cl
            f1|48 c1 e0 0c|shl    rax,0xc
            f5|f0 0f b1 17|lock cmpxchg DWORD PTR [rdi],edx
            f9|f0 48 0f c1 07|lock xadd QWORD PTR [rdi],rax
            fe|f3 ab|rep stos DWORD PTR es:[rdi],eax
            100|a4|movs   BYTE PTR es:[rdi],BYTE PTR ds:[rsi]
            101|48 a5|movs   QWORD PTR es:[rdi],QWORD PTR ds:[rsi]
            103|65 a4|movs   BYTE PTR es:[rdi],BYTE PTR gs:[rsi]
            105|a6|cmps   BYTE PTR ds:[rsi],BYTE PTR es:[rdi]
            106|f2 ae|repnz scas al,BYTE PTR es:[rdi]
            108|48 ad|lods   rax,QWORD PTR ds:[rsi]
            10a|6c|ins    BYTE PTR es:[rdi],dx
            10b|66 6d|ins    WORD PTR es:[rdi],dx
            10d|6e|outs   dx,BYTE PTR ds:[rsi]
            10e|d7|xlat   BYTE PTR ds:[rbx]
            10f|e4 60|in     al,0x60
            111|ec|in     al,dx
            112|ee|out    dx,al
            113|c3|ret
            114|c2 08 00|ret    0x8
            117|cb|retf
            118|48 cb|retfq
            11a|66 cb|retfw
            11c|c9|leave
            11d|66 c9|leavew
            11f|c8 08 00 01|enter  0x8,0x1
            123|66 6a 01|pushw  0x1
            126|6a 01|push   0x1
            128|68 00 01 00 00|push   0x100
            12d|66 ff 37|push   WORD PTR [rdi]
            130|ff 37|push   QWORD PTR [rdi]
            132|8f 07|pop    QWORD PTR [rdi]
            134|66 8f 07|pop    WORD PTR [rdi]
            137|ff 14 c5 00 10 00 00|call   QWORD PTR [rax*8+0x1000]
            13e|ff 15 00 10 00 00|call   QWORD PTR [rip+0x1000]        # 0x1144
            144|ff e0|jmp    rax
            146|3e ff e0|notrack jmp rax
            149|66 ff 17|call   WORD PTR [rdi]
            14c|ff 1f|call   FWORD PTR [rdi]
            14e|48 ff 2f|rex.W jmp FWORD PTR [rdi]
            151|66 ff 2f|jmp    DWORD PTR [rdi]
            154|e8 00 00 00 00|call   0x159
            159|e9 00 01 00 00|jmp    0x25e
            15e|66 e8 00 00|callw  0x162
            162|74 00|je     0x164
            164|2e 74 00|cs je  0x167
            167|3e 75 00|ds jne 0x16a
            16a|f2 e9 00 00 00 00|bnd jmp 0x170
            170|e3 00|jrcxz  0x172
            172|67 e3 00|jecxz  0x175
            175|e2 00|loop   0x177
            177|67 e2 00|addr32 loop 0x17a
            17a|cf|iret
            17b|48 cf|iretq
            17d|0f 07|sysretd
            17f|48 0f 07|sysretq
            182|0f 05|syscall
            184|0f 01 f8|swapgs
            187|0f 01 c8|monitor
            18a|0f 01 c9|mwait
            18d|0f 01 ca|clac
            190|0f 01 cb|stac
            193|0f 01 d0|xgetbv
            196|0f 20 d8|mov    rax,cr3
            199|0f 22 d8|mov    cr3,rax
            19c|0f 21 f8|mov    rax,dr7
            19f|8c d8|mov    eax,ds
            1a1|8e 18|mov    ds,WORD PTR [rax]
            1a3|0f 00 17|lldt   WORD PTR [rdi]
            1a6|0f 00 c0|sldt   eax
            1a9|0f 01 17|lgdt   [rdi]
            1ac|0f 01 3f|invlpg BYTE PTR [rdi]
            1af|0f ae 3f|clflush BYTE PTR [rdi]
            1b2|66 0f ae 3f|clflushopt BYTE PTR [rdi]
            1b6|66 0f ae 37|clwb   BYTE PTR [rdi]
            1ba|0f ae 07|fxsave [rdi]
            1bd|48 0f ae 07|fxsave64 [rdi]
            1c1|0f ae 17|ldmxcsr DWORD PTR [rdi]
            1c4|0f ae e8|lfence
            1c7|0f ae f0|mfence
            1ca|0f c7 0f|cmpxchg8b QWORD PTR [rdi]
            1cd|48 0f c7 0f|cmpxchg16b OWORD PTR [rdi]
            1d1|65 48 0f c7 0e|cmpxchg16b OWORD PTR gs:[rsi]
            1d6|66 0f 38 80 07|invept rax,OWORD PTR [rdi]
            1db|66 0f 38 82 07|invpcid rax,[rdi]
            1e0|66 0f 38 f8 07|movdir64b rax,[rdi]
            1e5|48 0f c3 07|movnti QWORD PTR [rdi],rax
            1e9|0f b2 07|lss    eax,FWORD PTR [rdi]
            1ec|f3 48 0f b8 c7|popcnt rax,rdi
            1f1|f3 0f bc c7|tzcnt  eax,edi
            1f5|0f 18 0f|prefetcht0 BYTE PTR [rdi]
            1f8|0f 0d 0f|prefetchw BYTE PTR [rdi]
            1fb|d9 07|fld    DWORD PTR [rdi]
            1fd|dd 1f|fstp   QWORD PTR [rdi]
            1ff|df 2f|fild   QWORD PTR [rdi]
            201|db 2f|fld    TBYTE PTR [rdi]
            203|dd 05 00 01 00 00|fld    QWORD PTR [rip+0x100]        # 0x309
            209|dc 0d 00 01 00 00|fmul   QWORD PTR [rip+0x100]        # 0x30f
            20f|da 0f|fimul  DWORD PTR [rdi]
            211|db 0f|fisttp DWORD PTR [rdi]
            213|dd 0f|fisttp QWORD PTR [rdi]
            215|df 0f|fisttp WORD PTR [rdi]
            217|d9 2f|fldcw  WORD PTR [rdi]
            219|9b d9 3f|fstcw  WORD PTR [rdi]
            21c|d9 3f|fnstcw WORD PTR [rdi]
            21e|9b dd 3f|fstsw  WORD PTR [rdi]
            221|df e0|fnstsw ax
            223|d9 27|fldenv [rdi]
            225|de e9|fsubp  st(1),st
            227|de e1|fsubrp st(1),st
            229|dc e9|fsub   st(1),st
            22b|dc f9|fdiv   st(1),st
            22d|d8 e1|fsub   st,st(1)
            22f|d9 c9|fxch   st(1)
            231|9b db e3|finit
            234|f3 0f 10 07|movss  xmm0,DWORD PTR [rdi]
            238|f2 0f 11 07|movsd  QWORD PTR [rdi],xmm0
            23c|f3 0f 2a 07|cvtsi2ss xmm0,DWORD PTR [rdi]
            240|f2 48 0f 2a 07|cvtsi2sd xmm0,QWORD PTR [rdi]
            245|66 0f 6e c0|movd   xmm0,eax
            249|66 48 0f 7e c0|movq   rax,xmm0
            24e|f3 0f 7e 07|movq   xmm0,QWORD PTR [rdi]
            252|66 0f d6 07|movq   QWORD PTR [rdi],xmm0
            256|0f 7e 07|movd   DWORD PTR [rdi],mm0
            259|0f 62 07|punpckldq mm0,DWORD PTR [rdi]
            25c|66 0f 62 07|punpckldq xmm0,XMMWORD PTR [rdi]
            260|66 0f 3a 14 07 00|pextrb BYTE PTR [rdi],xmm0,0x0
            266|66 0f 3a 16 07 00|pextrd DWORD PTR [rdi],xmm0,0x0
            26c|66 0f c4 07 00|pinsrw xmm0,WORD PTR [rdi],0x0
            271|66 0f 3a 20 07 00|pinsrb xmm0,BYTE PTR [rdi],0x0
            277|66 0f 38 20 07|pmovsxbw xmm0,QWORD PTR [rdi]
            27c|66 0f 38 21 07|pmovsxbd xmm0,DWORD PTR [rdi]
            281|66 0f 38 22 07|pmovsxbq xmm0,WORD PTR [rdi]
            286|66 0f 3a 44 c1 00|pclmullqlqdq xmm0,xmm1
            28c|66 0f 3a 44 c1 05|pclmulqdq xmm0,xmm1,0x5
            292|66 0f 70 c1 1b|pshufd xmm0,xmm1,0x1b
            297|66 0f ef c0|pxor   xmm0,xmm0
            29b|0f 28 07|movaps xmm0,XMMWORD PTR [rdi]
            29e|f3 0f e6 07|cvtdq2pd xmm0,QWORD PTR [rdi]
            2a2|0f 5a 07|cvtps2pd xmm0,QWORD PTR [rdi]
            2a5|c5 f9 6f 07|vmovdqa xmm0,XMMWORD PTR [rdi]
            2a9|c5 fd 6f 07|vmovdqa ymm0,YMMWORD PTR [rdi]
            2ad|c5 fd 7f 47 20|vmovdqa YMMWORD PTR [rdi+0x20],ymm0
            2b2|c5 f8 77|vzeroupper
            2b5|c5 fc 77|vzeroall
            2b8|c4 e2 7d 18 07|vbroadcastss ymm0,DWORD PTR [rdi]
            2bd|c4 e2 7d 5a 07|vbroadcasti128 ymm0,XMMWORD PTR [rdi]
            2c2|c4 e2 7d 20 07|vpmovsxbw ymm0,XMMWORD PTR [rdi]
            2c7|c5 fa 10 c1|vmovss xmm0,xmm0,xmm1
            2cb|c4 e3 79 14 07 00|vpextrb BYTE PTR [rdi],xmm0,0x0
            2d1|c4 e3 7d 39 c1 01|vextracti128 xmm1,ymm0,0x1
            2d7|62 f1 7d 48 6f 07|vmovdqa32 zmm0,ZMMWORD PTR [rdi]
            2dd|62 f1 7d c9 6f 07|vmovdqa32 zmm0{k1}{z},ZMMWORD PTR [rdi]
            2e3|62 f1 7d 49 7f 07|vmovdqa32 ZMMWORD PTR [rdi]{k1},zmm0
            2e9|62 f1 7d 48 ef 47 01|vpxord zmm0,zmm0,ZMMWORD PTR [rdi+0x40]
            2f0|62 f1 fd 58 ef 47 01|vpxorq zmm0,zmm0,QWORD BCST [rdi+0x8]
            2f7|62 f1 7d 58 fe 47 02|vpaddd zmm0,zmm0,DWORD BCST [rdi+0x8]
            2fe|62 f3 7d 48 39 07 01|vextracti32x4 XMMWORD PTR [rdi],zmm0,0x1
            305|c5 f8 91 52 1a|kmovw  WORD PTR [rdx+0x1a],k2
            30a|c5 f8 90 c1|kmovw  k0,k1
            30e|c5 f8 92 c0|kmovw  k0,eax
            312|c4 e2 f8 f2 c1|andn   rax,rax,rcx
            317|c4 e2 7b f7 c1|shrx   eax,ecx,eax
            31c|f3 0f 1e fa|endbr64
            320|0f 0b|ud2
            322|cc|int3
            323|f4|hlt
            324|90|nop
            325|f3 90|pause
            327|40|rex
            328|66 dd 20|frstorw [rax]
            32b|66 d9 30|fnstenvw [rax]
            32e|66 9b dd 30|fsavew [rax]
            """;

    @TestFactory
    List<DynamicTest> formatsLikeObjdumpIntel() {
        return EncodingCases.of(CASES, IntelFormatter::format);
    }

    @Test
    void symbolizedTargets() {
        Instruction call = X86Decoder.decode(HexFormat.of().parseHex("e8fb0f0000"), 0, 0xffffffff81000000L);
        assertEquals("call   ffffffff81001000 <foo+0x10>",
                IntelFormatter.format(call, a -> Optional.of("foo+0x10")));
        Instruction load = X86Decoder.decode(HexFormat.of().parseHex("488b05f90f0000"), 0, 0xffffffff81000000L);
        assertEquals("mov    rax,QWORD PTR [rip+0xff9]        # ffffffff81001000 <bar>",
                IntelFormatter.format(load, a -> Optional.of("bar")));
    }

    @Test
    void aBadByteIsBad() {
        Instruction bad = X86Decoder.decode(new byte[] {(byte) 0x06}, 0, 0);
        assertEquals("(bad)", IntelFormatter.format(bad));
    }

    /** An Instruction made without its bytes: the AT&T names and operands, reversed, the best it can do. */
    @Test
    void anInstructionWithoutItsBytes() {
        Instruction i = new Instruction(0x1000, 4, new byte[0], "mov",
                List.of(new Operand.Mem(null, "rdi", null, 1, 8, 8), new Operand.Reg("rax")));
        assertEquals("mov    rax,QWORD PTR [rdi+0x8]", IntelFormatter.format(i));
    }
}
