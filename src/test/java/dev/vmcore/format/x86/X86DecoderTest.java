package dev.vmcore.format.x86;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-written encodings with the text objdump (binutils 2.40) prints for them. The table was
 * made by assembling each line with {@code as} and reading {@code objdump -d -w} of the object
 * (no symbols there, so targets print as "0x..."); the expected text is kept here, not the tools.
 */
class X86DecoderTest {
    /** address | bytes | objdump text. */
    static final String CASES = """
            0|55|push   %rbp
            1|48 89 e5|mov    %rsp,%rbp
            4|48 8b 47 08|mov    0x8(%rdi),%rax
            8|48 89 45 f8|mov    %rax,-0x8(%rbp)
            c|c7 47 10 00 00 00 00|movl   $0x0,0x10(%rdi)
            13|48 c7 00 ff ff ff ff|movq   $0xffffffffffffffff,(%rax)
            1a|c6 04 37 01|movb   $0x1,(%rdi,%rsi,1)
            1e|66 c7 40 02 05 00|movw   $0x5,0x2(%rax)
            24|65 48 8b 04 25 28 00 00 00|mov    %gs:0x28,%rax
            2d|64 8b 00|mov    %fs:(%rax),%eax
            30|48 8d 3d 34 12 00 00|lea    0x1234(%rip),%rdi        # 0x126b
            37|48 8b 05 78 56 34 12|mov    0x12345678(%rip),%rax        # 0x123456b6
            3e|48 8b 14 dd 20 4e 57 82|mov    -0x7da8b1e0(,%rbx,8),%rdx
            46|8b 04 25 10 00 00 00|mov    0x10,%eax
            4d|48 b8 88 77 66 55 44 33 22 11|movabs $0x1122334455667788,%rax
            57|a0 88 77 66 55 44 33 22 11|movabs 0x1122334455667788,%al
            60|b8 ff ff ff ff|mov    $0xffffffff,%eax
            65|45 89 c7|mov    %r8d,%r15d
            68|40 88 f7|mov    %sil,%dil
            6b|88 e3|mov    %ah,%bl
            6d|0f b6 00|movzbl (%rax),%eax
            70|0f b7 c8|movzwl %ax,%ecx
            73|48 0f be d0|movsbq %al,%rdx
            77|0f bf 37|movswl (%rdi),%esi
            7a|48 63 ff|movslq %edi,%rdi
            7d|63 c0|movsxd %eax,%eax
            7f|48 83 c0 01|add    $0x1,%rax
            83|48 83 c4 80|add    $0xffffffffffffff80,%rsp
            87|48 83 e4 f0|and    $0xfffffffffffffff0,%rsp
            8b|83 00 01|addl   $0x1,(%rax)
            8e|80 7f 01 00|cmpb   $0x0,0x1(%rdi)
            92|48 83 78 20 00|cmpq   $0x0,0x20(%rax)
            97|29 c1|sub    %eax,%ecx
            99|31 c0|xor    %eax,%eax
            9b|45 31 d2|xor    %r10d,%r10d
            9e|84 c0|test   %al,%al
            a0|f6 47 18 04|testb  $0x4,0x18(%rdi)
            a4|a8 01|test   $0x1,%al
            a6|48 6b c0 38|imul   $0x38,%rax,%rax
            aa|48 0f af ca|imul   %rdx,%rcx
            ae|48 f7 e1|mul    %rcx
            b1|48 f7 77 08|divq   0x8(%rdi)
            b5|f7 38|idivl  (%rax)
            b7|48 f7 d8|neg    %rax
            ba|48 f7 17|notq   (%rdi)
            bd|ff c0|inc    %eax
            bf|ff 00|incl   (%rax)
            c1|48 ff 48 08|decq   0x8(%rax)
            c5|48 c1 e0 0c|shl    $0xc,%rax
            c9|d1 e0|shl    %eax
            cb|48 d1 2f|shrq   (%rdi)
            ce|48 d3 f8|sar    %cl,%rax
            d1|d3 38|sarl   %cl,(%rax)
            d3|66 c1 c0 08|rol    $0x8,%ax
            d7|48 0f a4 c2 04|shld   $0x4,%rax,%rdx
            dc|48 0f ad c2|shrd   %cl,%rax,%rdx
            e0|48 0f a3 c8|bt     %rcx,%rax
            e4|0f ba 23 0e|btl    $0xe,(%rbx)
            e8|48 0f ba 28 03|btsq   $0x3,(%rax)
            ed|f0 48 0f b3 02|lock btr %rax,(%rdx)
            f2|f0 48 0f b1 17|lock cmpxchg %rdx,(%rdi)
            f7|f0 48 0f c7 4e 20|lock cmpxchg16b 0x20(%rsi)
            fd|f0 0f c1 07|lock xadd %eax,(%rdi)
            101|f0 ff 40 10|lock incl 0x10(%rax)
            105|f0 48 83 0c 24 00|lock orq $0x0,(%rsp)
            10b|48 87 07|xchg   %rax,(%rdi)
            10e|91|xchg   %eax,%ecx
            10f|66 90|xchg   %ax,%ax
            111|48 0f 44 c2|cmove  %rdx,%rax
            115|0f 49 0f|cmovns (%rdi),%ecx
            118|0f 94 c0|sete   %al
            11b|0f 95 00|setne  (%rax)
            11e|0f c8|bswap  %eax
            120|48 0f bd c8|bsr    %rax,%rcx
            124|f3 48 0f bc c8|tzcnt  %rax,%rcx
            129|f3 0f bd d0|lzcnt  %eax,%edx
            12d|f3 48 0f b8 c7|popcnt %rdi,%rax
            132|48 98|cltq
            134|99|cltd
            135|48 99|cqto
            137|98|cwtl
            138|5b|pop    %rbx
            139|41 5f|pop    %r15
            13b|6a 00|push   $0x0
            13d|6a ff|push   $0xffffffffffffffff
            13f|68 78 56 34 12|push   $0x12345678
            144|ff 70 08|push   0x8(%rax)
            147|9c|pushf
            148|9d|popf
            149|c9|leave
            14a|c3|ret
            14b|c2 08 00|ret    $0x8
            14e|cb|lret
            14f|48 cb|lretq
            151|48 cf|iretq
            153|cf|iret
            154|cc|int3
            155|cd 80|int    $0x80
            157|0f 0b|ud2
            159|0f b9 cc|ud1    %esp,%ecx
            15c|0f b9 40 12|ud1    0x12(%rax),%eax
            160|0f ff c0|ud0    %eax,%eax
            163|f4|hlt
            164|90|nop
            165|f3 90|pause
            167|0f 1f 00|nopl   (%rax)
            16a|0f 1f 00|nopl   (%rax)
            16d|0f 1f 04 00|nopl   (%rax,%rax,1)
            171|66 0f 1f 04 00|nopw   (%rax,%rax,1)
            176|66 2e 0f 1f 84 00 00 00 00 00|cs nopw 0x0(%rax,%rax,1)
            180|66 66 2e 0f 1f 84 00 00 00 00 00|data16 cs nopw 0x0(%rax,%rax,1)
            18b|66 90|xchg   %ax,%ax
            18d|66 66 90|data16 xchg %ax,%ax
            190|0f 1f 00|nopl   (%rax)
            193|f3 0f 1e fa|endbr64
            197|f3 48 ab|rep stos %rax,%es:(%rdi)
            19a|f3 aa|rep stos %al,%es:(%rdi)
            19c|f3 48 a5|rep movsq %ds:(%rsi),%es:(%rdi)
            19f|f3 a4|rep movsb %ds:(%rsi),%es:(%rdi)
            1a1|a5|movsl  %ds:(%rsi),%es:(%rdi)
            1a2|f3 a6|repz cmpsb %es:(%rdi),%ds:(%rsi)
            1a4|f2 ae|repnz scas %es:(%rdi),%al
            1a6|ac|lods   %ds:(%rsi),%al
            1a7|f3 6c|rep insb (%dx),%es:(%rdi)
            1a9|6e|outsb  %ds:(%rsi),(%dx)
            1aa|e4 71|in     $0x71,%al
            1ac|e6 70|out    %al,$0x70
            1ae|ed|in     (%dx),%eax
            1af|66 ef|out    %ax,(%dx)
            1b1|ff d0|call   *%rax
            1b3|ff 50 08|call   *0x8(%rax)
            1b6|41 ff e3|jmp    *%r11
            1b9|ff 24 c5 10 00 00 00|jmp    *0x10(,%rax,8)
            1c0|3e ff e0|notrack jmp *%rax
            1c3|2e e8 00 00 00 00|cs call 0x1c9
            1c9|ff 68 24|ljmp   *0x24(%rax)
            1cc|ff 18|lcall  *(%rax)
            1ce|48 50|rex.W push %rax
            1d0|40 c3|rex ret
            1d2|66 48 89 c0|data16 mov %rax,%rax
            1d6|8b 04 60|mov    (%rax,%riz,2),%eax
            1d9|8b 04 20|mov    (%rax,%riz,1),%eax
            1dc|8b 04 25 00 00 00 00|mov    0x0,%eax
            1e3|8b 04 24|mov    (%rsp),%eax
            1e6|41 8b 04 24|mov    (%r12),%eax
            1ea|41 8b 45 00|mov    0x0(%r13),%eax
            1ee|8b 04 00|mov    (%rax,%rax,1),%eax
            1f1|0f 20 d8|mov    %cr3,%rax
            1f4|0f 22 e0|mov    %rax,%cr4
            1f7|0f 21 f8|mov    %db7,%rax
            1fa|0f 23 c0|mov    %rax,%db0
            1fd|8c c0|mov    %es,%eax
            1ff|8e d8|mov    %eax,%ds
            201|8c 18|mov    %ds,(%rax)
            203|0f 32|rdmsr
            205|0f 30|wrmsr
            207|0f 31|rdtsc
            209|0f 01 f9|rdtscp
            20c|0f 33|rdpmc
            20e|0f a2|cpuid
            210|0f 01 f8|swapgs
            213|48 0f 07|sysretq
            216|0f 07|sysretl
            218|0f 05|syscall
            21a|0f 01 38|invlpg (%rax)
            21d|66 0f 38 82 00|invpcid (%rax),%rax
            222|0f 09|wbinvd
            224|0f 08|invd
            226|0f 01 ca|clac
            229|0f 01 cb|stac
            22c|fa|cli
            22d|fb|sti
            22e|fc|cld
            22f|fd|std
            230|0f 06|clts
            232|0f 01 10|lgdt   (%rax)
            235|0f 01 5c 24 06|lidt   0x6(%rsp)
            23a|0f 01 00|sgdt   (%rax)
            23d|0f 01 08|sidt   (%rax)
            240|0f 00 d0|lldt   %ax
            243|0f 00 d8|ltr    %ax
            246|0f 00 c8|str    %eax
            249|0f 00 c0|sldt   %eax
            24c|0f 00 2d 34 12 00 00|verw   0x1234(%rip)        # 0x1487
            253|0f 02 d2|lar    %edx,%edx
            256|0f 03 c0|lsl    %eax,%eax
            259|48 0f ae 27|xsave64 (%rdi)
            25d|48 0f c7 2f|xsaves64 (%rdi)
            261|48 0f ae 2f|xrstor64 (%rdi)
            265|48 0f c7 1f|xrstors64 (%rdi)
            269|48 0f ae 37|xsaveopt64 (%rdi)
            26d|48 0f c7 27|xsavec64 (%rdi)
            271|0f ae 27|xsave  (%rdi)
            274|48 0f ae 07|fxsave64 (%rdi)
            278|48 0f ae 0f|fxrstor64 (%rdi)
            27c|0f ae 17|ldmxcsr (%rdi)
            27f|0f ae 5c 24 04|stmxcsr 0x4(%rsp)
            284|0f 01 d0|xgetbv
            287|0f 01 d1|xsetbv
            28a|0f ae 38|clflush (%rax)
            28d|66 0f ae 38|clflushopt (%rax)
            291|66 0f ae 30|clwb   (%rax)
            295|3e 0f ae 38|ds clflush (%rax)
            299|0f ae e8|lfence
            29c|0f ae f0|mfence
            29f|0f ae f8|sfence
            2a2|0f 18 08|prefetcht0 (%rax)
            2a5|0f 18 47 40|prefetchnta 0x40(%rdi)
            2a9|0f 0d 08|prefetchw (%rax)
            2ac|0f 01 c8|monitor %rax,%ecx,%edx
            2af|0f 01 c9|mwait  %eax,%ecx
            2b2|0f 01 fa|monitorx %rax,%ecx,%edx
            2b5|0f 01 fb|mwaitx %eax,%ecx,%ebx
            2b8|66 0f ae f1|tpause %ecx
            2bc|f2 0f ae f1|umwait %ecx
            2c0|0f 01 e8|serialize
            2c3|48 0f c7 f0|rdrand %rax
            2c7|0f c7 f8|rdseed %eax
            2ca|f3 0f c7 f8|rdpid  %rax
            2ce|f3 48 0f ae c0|rdfsbase %rax
            2d3|f3 48 0f ae df|wrgsbase %rdi
            2d8|0f 01 ee|rdpkru
            2db|0f 01 ef|wrpkru
            2de|0f 01 c1|vmcall
            2e1|0f 01 d9|vmmcall
            2e4|0f 01 c2|vmlaunch
            2e7|0f 01 c3|vmresume
            2ea|0f 01 c4|vmxoff
            2ed|0f 78 c2|vmread %rax,%rdx
            2f0|0f 79 c6|vmwrite %rsi,%rax
            2f3|0f c7 30|vmptrld (%rax)
            2f6|66 0f c7 30|vmclear (%rax)
            2fa|f3 0f c7 30|vmxon  (%rax)
            2fe|66 0f 38 80 10|invept (%rax),%rdx
            303|66 0f 38 81 10|invvpid (%rax),%rdx
            308|0f 01 d8|vmrun
            30b|0f 01 da|vmload
            30e|0f 01 db|vmsave
            311|0f 01 dc|stgi
            314|0f 01 dd|clgi
            317|0f 01 df|invlpga
            31a|f3 0f 01 d9|vmgexit
            31e|66 0f 01 cc|tdcall
            322|0f 01 cf|encls
            325|f2 0f 01 ff|pvalidate
            329|f3 0f 01 fe|rmpadjust
            32d|66 48 0f 38 f5 45 f8|wrussq %rax,-0x8(%rbp)
            334|48 0f 38 f6 07|wrssq  %rax,(%rdi)
            339|f3 48 0f 1e c8|rdsspq %rax
            33e|f3 48 0f ae e8|incsspq %rax
            343|f3 0f 01 ea|saveprevssp
            347|f3 0f 01 e8|setssbsy
            34b|66 0f 38 f8 18|movdir64b (%rax),%rbx
            350|f3 0f 38 f8 18|enqcmds (%rax),%rbx
            355|48 0f c3 07|movnti %rax,(%rdi)
            359|0f 38 f0 07|movbe  (%rdi),%eax
            35d|f2 0f 38 f0 c0|crc32  %al,%eax
            362|f2 48 0f 38 f1 02|crc32q (%rdx),%rax
            368|66 48 0f 38 f6 d0|adcx   %rax,%rdx
            36e|f3 48 0f 38 f6 07|adox   (%rdi),%rax
            374|c4 e2 e0 f2 c8|andn   %rax,%rbx,%rcx
            379|c4 e2 f8 f5 cb|bzhi   %rax,%rbx,%rcx
            37e|c4 e2 e3 f5 c8|pdep   %rax,%rbx,%rcx
            383|c4 e2 e2 f5 c8|pext   %rax,%rbx,%rcx
            388|c4 e2 e3 f6 c8|mulx   %rax,%rbx,%rcx
            38d|c4 e2 f9 f7 cb|shlx   %rax,%rbx,%rcx
            392|c4 e2 fb f7 0b|shrx   %rax,(%rbx),%rcx
            397|c4 e2 7a f7 cb|sarx   %eax,%ebx,%ecx
            39c|c4 e3 fb f0 d8 03|rorx   $0x3,%rax,%rbx
            3a2|c4 e2 e0 f3 c8|blsr   %rax,%rbx
            3a7|c4 e2 60 f3 d8|blsi   %eax,%ebx
            3ac|c4 e2 f8 f7 cb|bextr  %rax,%rbx,%rcx
            3b1|c7 f8 00 00 00 00|xbegin 0x3b7
            3b7|c6 f8 01|xabort $0x1
            3ba|0f 01 d5|xend
            3bd|0f 01 d6|xtest
            3c0|0f c7 08|cmpxchg8b (%rax)
            3c3|c8 10 00 00|enter  $0x10,$0x0
            3c7|e2 ee|loop   0x3b7
            3c9|e3 ec|jrcxz  0x3b7
            3cb|67 e3 fe|jecxz  0x3cc
            3ce|75 e7|jne    0x3b7
            3d0|74 00|je     0x3d2
            3d2|eb fe|jmp    0x3d2
            3d4|e8 f9 ff ff ff|call   0x3d2
            3d9|2e 74 00|je,pn  0x3dc
            3dc|f2 c3|bnd ret
            3de|db e3|fninit
            3e0|db e2|fnclex
            3e2|db 07|fildl  (%rdi)
            3e4|dd 40 08|fldl   0x8(%rax)
            3e7|d9 18|fstps  (%rax)
            3e9|d9 c9|fxch   %st(1)
            3eb|d8 c2|fadd   %st(2),%st
            3ed|9b|fwait
            3ee|0f 77|emms
            3f0|66 44 0f 6e f9|movd   %ecx,%xmm15
            3f5|66 0f 6e 24 86|movd   (%rsi,%rax,4),%xmm4
            3fa|66 48 0f 7e c0|movq   %xmm0,%rax
            3ff|66 48 0f 6e c0|movq   %rax,%xmm0
            404|f3 0f 7e c1|movq   %xmm1,%xmm0
            408|f3 0f 7e 00|movq   (%rax),%xmm0
            40c|66 0f d6 10|movq   %xmm2,(%rax)
            410|0f 6f c8|movq   %mm0,%mm1
            413|66 0f 6f 07|movdqa (%rdi),%xmm0
            417|f3 0f 7f 4e 10|movdqu %xmm1,0x10(%rsi)
            41c|0f 10 08|movups (%rax),%xmm1
            41f|0f 28 c8|movaps %xmm0,%xmm1
            422|f3 0f 10 00|movss  (%rax),%xmm0
            426|f2 0f 11 08|movsd  %xmm1,(%rax)
            42a|0f 12 c1|movhlps %xmm1,%xmm0
            42d|0f 12 00|movlps (%rax),%xmm0
            430|66 0f ef c1|pxor   %xmm1,%xmm0
            434|0f ef c8|pxor   %mm0,%mm1
            437|66 0f fe da|paddd  %xmm2,%xmm3
            43b|66 0f d4 08|paddq  (%rax),%xmm1
            43f|66 0f 72 d1 08|psrld  $0x8,%xmm1
            444|66 0f 73 fa 04|pslldq $0x4,%xmm2
            449|0f 73 d0 01|psrlq  $0x1,%mm0
            44d|66 0f 70 c8 1b|pshufd $0x1b,%xmm0,%xmm1
            452|66 0f 38 00 10|pshufb (%rax),%xmm2
            457|66 0f 62 c1|punpckldq %xmm1,%xmm0
            45b|66 0f 6c c1|punpcklqdq %xmm1,%xmm0
            45f|66 0f 74 c1|pcmpeqb %xmm1,%xmm0
            463|66 0f d7 c0|pmovmskb %xmm0,%eax
            467|66 0f 3a 16 c0 01|pextrd $0x1,%xmm0,%eax
            46d|66 48 0f 3a 16 c0 01|pextrq $0x1,%xmm0,%rax
            474|66 48 0f 3a 22 c0 01|pinsrq $0x1,%rax,%xmm0
            47b|66 0f 3a 22 00 02|pinsrd $0x2,(%rax),%xmm0
            481|66 0f 3a 0f c1 08|palignr $0x8,%xmm1,%xmm0
            487|66 0f 38 17 c8|ptest  %xmm0,%xmm1
            48c|66 0f 38 dc c1|aesenc %xmm1,%xmm0
            491|66 0f 38 dd 00|aesenclast (%rax),%xmm0
            496|66 0f 38 de c1|aesdec %xmm1,%xmm0
            49b|66 0f 38 db c1|aesimc %xmm1,%xmm0
            4a0|66 0f 3a df c1 01|aeskeygenassist $0x1,%xmm1,%xmm0
            4a6|66 0f 3a 44 c1 00|pclmullqlqdq %xmm1,%xmm0
            4ac|66 0f 3a 44 c1 11|pclmulhqhqdq %xmm1,%xmm0
            4b2|66 0f 3a 44 c1 02|pclmullqhqdq %xmm1,%xmm0
            4b8|0f 3a cc c1 00|sha1rnds4 $0x0,%xmm1,%xmm0
            4bd|0f 38 c8 c1|sha1nexte %xmm1,%xmm0
            4c1|0f 38 cb d1|sha256rnds2 %xmm0,%xmm1,%xmm2
            4c5|0f 38 cc c1|sha256msg1 %xmm1,%xmm0
            4c9|66 0f 38 10 d1|pblendvb %xmm0,%xmm1,%xmm2
            4ce|0f 57 c0|xorps  %xmm0,%xmm0
            4d1|f3 0f 58 c1|addss  %xmm1,%xmm0
            4d5|f2 0f 2a c0|cvtsi2sd %eax,%xmm0
            4d9|f2 0f 2c c0|cvttsd2si %xmm0,%eax
            4dd|66 0f 2e c1|ucomisd %xmm1,%xmm0
            4e1|0f c6 c1 01|shufps $0x1,%xmm1,%xmm0
            4e5|c5 fa 6f 07|vmovdqu (%rdi),%xmm0
            4e9|c5 fe 7f 46 20|vmovdqu %ymm0,0x20(%rsi)
            4ee|c5 fd 6f 4f 10|vmovdqa 0x10(%rdi),%ymm1
            4f3|c4 c1 59 ef df|vpxor  %xmm15,%xmm4,%xmm3
            4f8|c5 ed ef d9|vpxor  %ymm1,%ymm2,%ymm3
            4fc|c5 ed fe d9|vpaddd %ymm1,%ymm2,%ymm3
            500|c5 ed d4 18|vpaddq (%rax),%ymm2,%ymm3
            504|c5 f9 6e e9|vmovd  %ecx,%xmm5
            508|c4 e1 f9 7e c8|vmovq  %xmm1,%rax
            50d|c5 fd 70 c8 1b|vpshufd $0x1b,%ymm0,%ymm1
            512|c4 e2 6d 00 d9|vpshufb %ymm1,%ymm2,%ymm3
            517|c5 ed 72 d1 08|vpsrld $0x8,%ymm1,%ymm2
            51c|c5 e1 73 fa 04|vpslldq $0x4,%xmm2,%xmm3
            521|c4 43 7d 39 c0 01|vextracti128 $0x1,%ymm8,%xmm8
            527|c4 e3 6d 38 d9 01|vinserti128 $0x1,%xmm1,%ymm2,%ymm3
            52d|c4 e3 6d 46 d9 20|vperm2i128 $0x20,%ymm1,%ymm2,%ymm3
            533|c4 e3 fd 00 d1 d8|vpermq $0xd8,%ymm1,%ymm2
            539|c4 e2 7d 58 c8|vpbroadcastd %xmm0,%ymm1
            53e|c4 e2 7d 59 08|vpbroadcastq (%rax),%ymm1
            543|c4 e2 7d 5a 08|vbroadcasti128 (%rax),%ymm1
            548|c4 e3 6d 02 d9 f0|vpblendd $0xf0,%ymm1,%ymm2,%ymm3
            54e|c4 e3 75 4c c2 30|vpblendvb %ymm3,%ymm2,%ymm1,%ymm0
            554|c4 e2 69 dc d9|vaesenc %xmm1,%xmm2,%xmm3
            559|c4 e2 6d dc d9|vaesenc %ymm1,%ymm2,%ymm3
            55e|c4 e3 69 44 d9 01|vpclmulhqlqdq %xmm1,%xmm2,%xmm3
            564|c4 e3 6d 44 d9 11|vpclmulhqhqdq %ymm1,%ymm2,%ymm3
            56a|c5 f8 77|vzeroupper
            56d|c5 fc 77|vzeroall
            570|c4 e2 6d 47 d9|vpsllvd %ymm1,%ymm2,%ymm3
            575|c5 ed 6c d9|vpunpcklqdq %ymm1,%ymm2,%ymm3
            579|c5 ed 76 d9|vpcmpeqd %ymm1,%ymm2,%ymm3
            57d|c5 fd d7 c0|vpmovmskb %ymm0,%eax
            581|c4 e2 7d 17 c0|vptest %ymm0,%ymm0
            586|c5 f8 11 00|vmovups %xmm0,(%rax)
            58a|c5 fc 57 c0|vxorps %ymm0,%ymm0,%ymm0
            58e|62 f1 65 08 72 c3 10|vprord $0x10,%xmm3,%xmm3
            595|62 f1 75 c9 72 00 03|vprord $0x3,(%rax),%zmm1{%k1}{z}
            59c|62 72 4d 28 76 c7|vpermi2d %ymm7,%ymm6,%ymm8
            5a2|62 f1 75 58 fe 50 10|vpaddd 0x40(%rax){1to16},%zmm1,%zmm2
            5a9|62 f1 75 48 fe 50 01|vpaddd 0x40(%rax),%zmm1,%zmm2
            5b0|62 a1 75 40 ef d0|vpxord %zmm16,%zmm17,%zmm18
            5b6|62 f3 6d 48 25 d9 96|vpternlogd $0x96,%zmm1,%zmm2,%zmm3
            5bd|62 f1 fe 48 6f 07|vmovdqu64 (%rdi),%zmm0
            5c3|62 f1 7f 4a 7f 4e 01|vmovdqu8 %zmm1,0x40(%rsi){%k2}
            5ca|62 f1 fd 48 6f d1|vmovdqa64 %zmm1,%zmm2
            5d0|62 f3 7d 48 39 c1 01|vextracti32x4 $0x1,%zmm0,%xmm1
            5d7|62 f3 dd 48 43 e4 00|vshufi64x2 $0x0,%zmm4,%zmm4,%zmm4
            5de|62 72 7d 28 5a 3f|vbroadcasti32x4 (%rdi),%ymm15
            5e4|c4 e1 fb 92 c8|kmovq  %rax,%k1
            5e9|c5 f8 92 d0|kmovw  %eax,%k2
            5ed|c5 fb 93 c1|kmovd  %k1,%eax
            5f1|c4 e2 78 49 c0|tilerelease
            0|0f 1f c0|nop    %eax
            3|66 0f 1f c0|nop    %ax
            7|48 0f 1f 00|nopq   (%rax)
            b|0f 18 c0|nop    %eax
            e|0f 0d 08|prefetchw (%rax)
            11|f3 0f b8 c0|popcnt %eax,%eax
            15|f3 48 0f bc c0|tzcnt  %rax,%rax
            1a|66 0f bc c0|bsf    %ax,%ax
            1e|f2 e8 00 00 00 00|bnd call 0x24
            24|f2 ff e0|bnd jmp *%rax
            27|3e ff d0|notrack call *%rax
            2a|3e 74 00|je,pt  0x2d
            2d|2e e2 00|loop,pn 0x30
            30|64 90|fs nop
            32|65 48 8b 04 25 00 00 00 00|mov    %gs:0x0,%rax
            3b|2e 48 8b 00|cs mov (%rax),%rax
            3f|67 48 8b 00|mov    (%eax),%rax
            43|67 8b 05 00 00 00 00|mov    0x0(%eip),%eax        # 0x4a
            4a|67 f3 aa|rep stos %al,%es:(%edi)
            4d|48 90|rex.W nop
            4f|41 90|xchg   %eax,%r8d
            51|66 41 90|xchg   %ax,%r8w
            54|40 88 c7|mov    %al,%dil
            57|40 88 c0|rex mov %al,%al
            5a|44 89 c0|mov    %r8d,%eax
            5d|4c 89 c0|mov    %r8,%rax
            60|48 63 c0|movslq %eax,%rax
            63|66 98|cbtw
            65|66 99|cwtd
            67|48 a5|movsq  %ds:(%rsi),%es:(%rdi)
            69|66 a5|movsw  %ds:(%rsi),%es:(%rdi)
            6b|a6|cmpsb  %es:(%rdi),%ds:(%rsi)
            6c|48 a7|cmpsq  %es:(%rdi),%ds:(%rsi)
            6e|f2 ae|repnz scas %es:(%rdi),%al
            70|f3 a6|repz cmpsb %es:(%rdi),%ds:(%rsi)
            72|f3 6d|rep insl (%dx),%es:(%rdi)
            74|66 6f|outsw  %ds:(%rsi),(%dx)
            76|66 ff d0|call   *%ax
            79|66 c2 08 00|retw   $0x8
            7d|66 6a 01|pushw  $0x1
            80|66 68 01 02|pushw  $0x201
            84|66 50|push   %ax
            86|48 ff 30|rex.W push (%rax)
            89|48 cb|lretq
            8b|66 cf|iretw
            8d|0f 00 e8|verw   %ax
            90|0f 01 e0|smsw   %eax
            93|0f 01 f0|lmsw   %ax
            96|0f 01 20|smsw   (%rax)
            99|8e 18|mov    (%rax),%ds
            9b|8c d8|mov    %ds,%eax
            9d|66 8c d8|mov    %ds,%ax
            a0|48 8c d8|mov    %ds,%rax
            a3|0f a0|push   %fs
            a5|0f a9|pop    %gs
            a7|d1 30|shll   (%rax)
            a9|c0 30 01|shlb   $0x1,(%rax)
            ac|c6 f8 01|xabort $0x1
            af|d7|xlat   %ds:(%rbx)
            b0|48 0f c7 08|cmpxchg16b (%rax)
            b4|0f c7 f0|rdrand %eax
            b7|48 0f c7 f8|rdseed %rax
            bb|f3 0f ae e8|incsspd %eax
            bf|f3 48 0f ae 20|ptwriteq (%rax)
            c4|0f ae e8|lfence
            c7|0f ae f0|mfence
            ca|66 0f ae f1|tpause %ecx
            ce|f3 0f ae f0|umonitor %rax
            d2|f3 0f 1e c8|rdsspd %eax
            d6|f3 0f 1e fb|endbr32
            da|f3 0f 01 28|rstorssp (%rax)
            de|f3 0f 01 ea|saveprevssp
            ea|0f 01 c6|wrmsrns
            ed|0f 01 c5|pconfig
            f0|0f 01 d5|xend
            f3|0f 01 d6|xtest
            f6|0f 01 fc|clzero
            f9|0f 01 cf|encls
            fc|66 0f 01 cf|seamcall
            103|30 f3|xor    %dh,%bl
            108|c0 0f 38|rorb   $0x38,(%rdi)
            10b|f9|stc
            10d|0f 38 f0 07|movbe  (%rdi),%eax
            111|66 0f 38 f1 07|movbe  %ax,(%rdi)
            116|f3 48 0f b8 07|popcnt (%rdi),%rax
            11b|66 0f c7 30|vmclear (%rax)
            11f|0f 0e|femms
            121|0f 37|getsec
            123|0f 34|sysenter
            125|0f 35|sysexitl
            127|0f aa|rsm
            129|f1|int1
            12a|f5|cmc
            12b|9e|sahf
            12c|9f|lahf
            12d|cc|int3
            12e|c8 08 00 01|enter  $0x8,$0x1
            132|0f 02 00|lar    (%rax),%eax
            135|0f 03 00|lsl    (%rax),%eax
            138|0f b2 00|lss    (%rax),%eax
            13b|48 0f b5 00|lgs    (%rax),%rax
            13f|66 0f 3a 0f c1 08|palignr $0x8,%xmm1,%xmm0
            145|0f 3a 0f c1 08|palignr $0x8,%mm1,%mm0
            14a|c4 e3 7d 39 c1 01|vextracti128 $0x1,%ymm0,%xmm1
            150|c4 e2 79 18 00|vbroadcastss (%rax),%xmm0
            155|c5 fa 6f 00|vmovdqu (%rax),%xmm0
            159|c5 f9 d6 00|vmovq  %xmm0,(%rax)
            15d|c5 fb 10 00|vmovsd (%rax),%xmm0
            161|c5 f3 10 c2|vmovsd %xmm2,%xmm1,%xmm0
            165|c5 f8 28 c1|vmovaps %xmm1,%xmm0
            169|c5 fc 77|vzeroall
            16c|c4 e2 7d 5a 00|vbroadcasti128 (%rax),%ymm0
            171|c4 e3 fd 00 c1 4e|vpermq $0x4e,%ymm1,%ymm0
            177|c4 e2 75 36 c2|vpermd %ymm2,%ymm1,%ymm0
            17c|c4 e2 79 00 c1|vpshufb %xmm1,%xmm0,%xmm0
            181|c5 f1 73 d8 04|vpsrldq $0x4,%xmm0,%xmm1
            186|c5 f9 7e c0|vmovd  %xmm0,%eax
            18a|c4 e1 f9 7e c0|vmovq  %xmm0,%rax
            18f|c4 e1 f9 6e c0|vmovq  %rax,%xmm0
            194|c5 f9 c5 c0 01|vpextrw $0x1,%xmm0,%eax
            199|c4 e3 79 16 c0 01|vpextrd $0x1,%xmm0,%eax
            19f|c4 e3 79 22 c0 01|vpinsrd $0x1,%eax,%xmm0,%xmm0
            1a5|c4 e3 79 17 c0 01|vextractps $0x1,%xmm0,%eax
            1ab|c5 f1 ef 04 25 10 00 00 00|vpxor  0x10,%xmm1,%xmm0
            1b4|c4 41 31 ef 44 24 10|vpxor  0x10(%r12),%xmm9,%xmm8
            1bb|c5 f9 e7 00|vmovntdq %xmm0,(%rax)
            1bf|c5 f8 ae 10|vldmxcsr (%rax)
            1c3|66 0f 38 00 c1|pshufb %xmm1,%xmm0
            1c8|0f 38 00 c1|pshufb %mm1,%mm0
            1cc|66 0f d6 c1|movq   %xmm0,%xmm1
            1d0|f3 0f d6 c1|movq2dq %mm1,%xmm0
            1d4|f2 0f f0 00|lddqu  (%rax),%xmm0
            1d8|66 0f 3a 63 c1 0c|pcmpistri $0xc,%xmm1,%xmm0
            1de|66 0f 38 10 c1|pblendvb %xmm0,%xmm1,%xmm0
            1e3|66 0f 38 db c1|aesimc %xmm1,%xmm0
            1e8|0f 28 04 25 00 00 00 00|movaps 0x0,%xmm0
            1f0|66 0f 73 f8 08|pslldq $0x8,%xmm0
            1f5|62 f1 7d 48 6f 40 01|vmovdqa32 0x40(%rax),%zmm0
            1fc|62 f1 fe 48 6f 40 01|vmovdqu64 0x40(%rax),%zmm0
            203|62 f1 7f 48 6f 40 01|vmovdqu8 0x40(%rax),%zmm0
            20a|62 d1 75 48 ef c0|vpxord %zmm8,%zmm1,%zmm0
            210|62 f3 75 48 25 c0 96|vpternlogd $0x96,%zmm0,%zmm1,%zmm0
            217|62 e1 75 40 fe c0|vpaddd %zmm0,%zmm17,%zmm16
            21d|62 f1 7d 28 eb 40 02|vpord  0x40(%rax),%ymm0,%ymm0
            224|62 f1 6d 48 72 c1 03|vprord $0x3,%zmm1,%zmm2
            22b|62 f1 ed 48 72 e1 03|vpsraq $0x3,%zmm1,%zmm2
            232|62 f2 7d 48 58 40 01|vpbroadcastd 0x4(%rax),%zmm0
            239|62 f2 7d 48 7c c0|vpbroadcastd %eax,%zmm0
            23f|62 f3 7d 48 44 c1 00|vpclmullqlqdq %zmm1,%zmm0,%zmm0
            246|62 f2 7d 48 dc c1|vaesenc %zmm1,%zmm0,%zmm0
            24c|62 f1 7c 48 28 40 01|vmovaps 0x40(%rax),%zmm0
            253|62 f1 7e 48 7f 40 01|vmovdqu32 %zmm0,0x40(%rax)
            0|62 f1 55 48 64 cc|vpcmpgtb %zmm4,%zmm5,%k1
            6|62 f1 55 4b 76 10|vpcmpeqd (%rax),%zmm5,%k2{%k3}
            c|62 f2 ed 48 29 c9|vpcmpeqq %zmm1,%zmm2,%k1
            12|62 f2 7e 48 28 e9|vpmovm2b %k1,%zmm5
            18|62 f2 fe 48 38 e9|vpmovm2q %k1,%zmm5
            1e|62 f2 7e 48 29 c9|vpmovb2m %zmm1,%k1
            24|62 f2 7e 28 39 c9|vpmovd2m %ymm1,%k1
            2a|62 f2 6d 48 26 d9|vptestmb %zmm1,%zmm2,%k3
            30|62 f2 ee 48 27 d9|vptestnmq %zmm1,%zmm2,%k3
            36|62 f2 ed 28 37 c9|vpcmpgtq %ymm1,%ymm2,%k1
            0|66 47|data16 rex.RXB
            2|f0 90|lock nop
            4|64 36 d3 7d 39|fs sarl %cl,%fs:0x39(%rbp)
            9|26 ac|lods   %ds:(%rsi),%al
            b|2e d7|xlat   %ds:(%rbx)
            d|8c f0|mov    %?,%eax
            f|66 e9 10 4c|jmpw   0x4c23
            13|48 ed|rex.W in (%dx),%eax
            15|48 6f|rex.W outsl %ds:(%rsi),(%dx)
            17|f2 e3 ca|repnz jrcxz 0xffffffffffffffe4
            1a|66 8f 01|popw   (%rcx)
            1d|66 ff 52 f4|callw  *-0xc(%rdx)
            21|66 ff d0|call   *%ax
            24|0f 21 3f|mov    %db7,%rdi
            27|67 e2 fe|loopl  0x28
            2a|66 c8 1c 33 a4|enterw $0x331c,$0xa4
            2f|66 c9|leavew
            31|2e 3e 70 35|cs ds jo 0x6a
            35|67 a2 09 29 0a 7d|addr32 mov %al,0x7d0a2909
            3b|f3 87 39|xrelease xchg %edi,(%rcx)
            3e|f0 f2 01 07|lock xacquire add %eax,(%rdi)
            42|66 4d 55|data16 rex.WRB push %r13
            45|41 8e 05 8b 90 7f d6|mov    -0x29806f75(%rip),%es        # 0xffffffffd67f90d7
            4c|47 23 34 1d ba 95 4f 87|and    -0x78b06a46(,%r11,1),%r14d
            54|c5 c6 59 0c 0a|vmulss (%rdx,%rcx,1),%xmm7,%xmm1
            59|c5 ad f1 ef|vpsllw %xmm7,%ymm10,%ymm5
            5d|0f f1 c0|psllw  %mm0,%mm0
            60|d8 d5|fcom   %st(5)
            62|db e4|fnsetpm(287 only)
            64|67 29 3d e6 76 90 9a|sub    %edi,-0x656f891a(%eip)        # 0xffffffff9a907751
            6b|44 c5 f5 db c1|rex.R vpand %ymm1,%ymm1,%ymm0
            70|9b db e3|finit
            73|66 dd 20|frstors (%rax)
            76|66 d9 30|fnstenvs (%rax)
            79|66 9b dd 30|fsaves (%rax)
            """;

    private static final LongFunction<Optional<String>> NO_SYMBOLS = a -> Optional.empty();

    @TestFactory
    List<DynamicTest> decodesAndFormatsLikeObjdump() {
        return EncodingCases.of(CASES, i -> AttFormatter.format(i, NO_SYMBOLS));
    }

    @Test
    void decodesInsideALargerBuffer() {
        byte[] code = HexFormat.of().parseHex("554889e5488b4708c3");
        long a = 0xffffffff81000000L;
        Instruction i1 = X86Decoder.decode(code, 0, a);
        Instruction i2 = X86Decoder.decode(code, 1, a + 1);
        Instruction i3 = X86Decoder.decode(code, 4, a + 4);
        Instruction i4 = X86Decoder.decode(code, 8, a + 8);
        assertEquals("push   %rbp", AttFormatter.format(i1));
        assertEquals("mov    %rsp,%rbp", AttFormatter.format(i2));
        assertEquals("mov    0x8(%rdi),%rax", AttFormatter.format(i3));
        assertEquals("ret", AttFormatter.format(i4));
        assertEquals(4, i3.length());
        assertEquals(a + 8, i3.next());
        assertEquals(List.of(new Operand.Mem(null, "rdi", null, 1, 8, 8), new Operand.Reg("rax")), i3.operands());
        assertEquals("mov", i3.mnemonic());
    }

    @Test
    void operandModel() {
        Instruction gs = decode("65488b042528000000");
        assertEquals(List.of(new Operand.Mem("gs", null, null, 1, 0x28, 8), new Operand.Reg("rax")), gs.operands());
        Instruction idx = decode("488b14dd204e5782");
        assertEquals(new Operand.Mem(null, null, "rbx", 8, -0x7da8b1e0L, 8), idx.operands().get(0));
        Instruction movl = decode("c7471000000000");
        assertEquals("movl", movl.mnemonic());
        assertEquals(List.of(new Operand.Imm(0, 4), new Operand.Mem(null, "rdi", null, 1, 0x10, 4)), movl.operands());
        Instruction and = decode("4883e4f0");
        assertEquals(new Operand.Imm(-16, 8), and.operands().get(0));
        assertEquals(0xfffffffffffffff0L, ((Operand.Imm) and.operands().get(0)).unsignedValue());
        Instruction lock = decode("f0480fb117");
        assertEquals("cmpxchg", lock.mnemonic());
        assertEquals("lock cmpxchg %rdx,(%rdi)", AttFormatter.format(lock));
        Instruction cr = decode("0f20d8");
        assertEquals(List.of(new Operand.Reg("cr3"), new Operand.Reg("rax")), cr.operands());
    }

    @Test
    void branchAndRipTargets() {
        long a = 0xffffffff81000010L;
        Instruction call = X86Decoder.decode(HexFormat.of().parseHex("e852342300"), 0, a);
        assertEquals(Optional.of(a + 5 + 0x233452), call.branchTarget());
        assertEquals(Optional.empty(), call.ripTarget());
        Instruction jne = X86Decoder.decode(HexFormat.of().parseHex("75f0"), 0, a);
        assertEquals(Optional.of(a + 2 - 0x10), jne.branchTarget());
        Instruction lea = X86Decoder.decode(HexFormat.of().parseHex("488d3d34120000"), 0, a);
        assertEquals(Optional.of(a + 7 + 0x1234), lea.ripTarget());
        assertEquals(Optional.empty(), lea.branchTarget());
        Instruction ind = X86Decoder.decode(HexFormat.of().parseHex("ffd0"), 0, a);
        assertEquals(Optional.empty(), ind.branchTarget());
    }

    @Test
    void symbolizedTargets() {
        LongFunction<Optional<String>> syms = x -> x == 0xffffffff81234567L ? Optional.of("foo+0x12")
                : x == 0xffffffff82000000L ? Optional.of("bar") : Optional.empty();
        long a = 0xffffffff81000000L;
        long rel = 0xffffffff81234567L - (a + 5);
        byte[] call = {(byte) 0xe8, (byte) rel, (byte) (rel >> 8), (byte) (rel >> 16), (byte) (rel >> 24)};
        assertEquals("call   ffffffff81234567 <foo+0x12>", AttFormatter.format(X86Decoder.decode(call, 0, a), syms));
        long disp = 0xffffffff82000000L - (a + 7);
        byte[] lea = {0x48, (byte) 0x8d, 0x3d, (byte) disp, (byte) (disp >> 8), (byte) (disp >> 16), (byte) (disp >> 24)};
        assertEquals("lea    0xfffff9(%rip),%rdi        # ffffffff82000000 <bar>",
                AttFormatter.format(X86Decoder.decode(lea, 0, a), syms));
        assertEquals("lea    0xfffff9(%rip),%rdi        # 0xffffffff82000000",
                AttFormatter.format(X86Decoder.decode(lea, 0, a), NO_SYMBOLS));
        assertEquals("call   0xffffffff81234567", AttFormatter.format(X86Decoder.decode(call, 0, a)));
    }

    @Test
    void fredInstructionsAreNamedThoughObjdump240DoesNot() {
        // binutils 2.40 predates FRED and prints these as "repnz clac" / "repz clac"
        assertEquals("erets", AttFormatter.format(decode("f20f01ca")));
        assertEquals("eretu", AttFormatter.format(decode("f30f01ca")));
        // LKGS (native_lkgs in 6.12): "repnz (bad)" in 2.40
        assertEquals("lkgs   %di", AttFormatter.format(decode("f20f00f7")));
    }

    @Test
    void badBytesAreBadOneByteLong() {
        for (String hex : List.of("06", "07", "0e", "27", "2f", "37", "3f", "60", "61", "9a", "c4", "d4", "d5", "d6",
                "ea", "0f04", "0f0a", "0f0c", "0f24", "0f36", "0f39", "8fc8", "fe10", "ff38", "c6c8",
                "0f3aff00", "c5f8ff00", "62")) {
            Instruction i = decode(hex);
            assertTrue(i.isBad(), hex + " -> " + AttFormatter.format(i));
            assertEquals(1, i.length(), hex);
            assertEquals("(bad)", AttFormatter.format(i));
        }
    }

    @Test
    void truncatedInstructionsAreBad() {
        for (String hex : List.of("0f", "488b", "488b05", "e8", "e81234", "c7471000",
                "66", "f0", "c4e2", "62f175", "0f38", "0f3a0f", "48b8112233445566")) {
            byte[] b = HexFormat.of().parseHex(hex.length() % 2 == 0 ? hex : hex + "0");
            if (hex.length() % 2 != 0) {
                b = Arrays.copyOf(b, b.length - 1);
            }
            Instruction i = X86Decoder.decode(b, 0, 0x1000);
            assertTrue(i.isBad(), hex + " -> " + AttFormatter.format(i));
            assertEquals(1, i.length());
        }
        // a REX prefix with nothing (or another prefix) after it is shown on its own, as objdump does
        assertEquals("rex.W", AttFormatter.format(decode("48")));
        assertEquals(1, decode("48").length());
        assertEquals(0, X86Decoder.decode(new byte[0], 0, 0).length());
        assertTrue(X86Decoder.decode(new byte[0], 0, 0).isBad());
        assertTrue(X86Decoder.decode(new byte[] {0x48, (byte) 0x8b}, 2, 0).isBad());
    }

    @Test
    void moreThanFifteenBytesIsBad() {
        byte[] b = new byte[16];
        Arrays.fill(b, 0, 15, (byte) 0x66);
        b[15] = (byte) 0x90;
        assertTrue(X86Decoder.decode(b, 0, 0).isBad());
        Instruction ok = X86Decoder.decode(b, 1, 1);
        assertEquals(15, ok.length());
        assertEquals("xchg", ok.mnemonic());
    }

    @Test
    void randomBytesNeverThrow() {
        Random r = new Random(8);
        byte[] b = new byte[1 << 16];
        r.nextBytes(b);
        for (int rep = 0; rep < 4; rep++) {
            for (int off = 0; off < b.length; off++) {
                Instruction i = X86Decoder.decode(b, off, 0xffffffff81000000L + off);
                assertTrue(i.length() >= 1 && i.length() <= 15 && off + i.length() <= b.length, "length at " + off);
                assertEquals(i.length(), i.bytes().length);
                AttFormatter.format(i, a -> Optional.of("s"));
            }
            for (int k = 0; k < b.length; k += 16) {
                // bias towards prefixes, escapes and VEX/EVEX so that the deep paths are hit
                b[k] = (byte) new int[] {0x0f, 0x66, 0xf3, 0xf2, 0xc4, 0xc5, 0x62, 0x48}[r.nextInt(8)];
                b[k + 1] = (byte) new int[] {0x0f, 0x38, 0x3a, 0x01, 0xae, 0xc7, 0xe2, 0xf1}[r.nextInt(8)];
            }
        }
    }

    private static Instruction decode(String hex) {
        return X86Decoder.decode(HexFormat.of().parseHex(hex), 0, 0x1000);
    }
}
