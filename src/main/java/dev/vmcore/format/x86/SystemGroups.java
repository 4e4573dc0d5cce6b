package dev.vmcore.format.x86;

/**
 * The 0F 01 (group 7), 0F AE (group 15) and 0F C7 (group 9) opcode groups: descriptor tables,
 * VMX/SVM/SEV/TDX, monitor/mwait, SMAP, fences, FS/GS base, xsave and friends.
 */
final class SystemGroups {
    private SystemGroups() {
    }

    static void grp7(Decoding d) {
        d.modrm();
        int reg = d.reg;
        int rm = d.rm;
        if (d.mod != 3) {
            switch (reg) {
                case 0 -> d.entry("sgdt M");
                case 1 -> d.entry("sidt M");
                case 2 -> d.entry("lgdt M");
                case 3 -> d.entry("lidt M");
                case 4 -> d.entry("smsw Mw");
                case 5 -> {
                    if (!d.useF3()) {
                        throw X86Decoder.bad();
                    }
                    d.entry("rstorssp Mq");
                }
                case 6 -> d.entry("lmsw Mw");
                default -> d.entry("invlpg Mb");
            }
            return;
        }
        int rp = d.pRep >= 0 ? d.pfx[d.pRep] : 0;
        boolean p66 = d.p66 >= 0;
        String m = switch (reg << 3 | rm) {
            case 000 -> "enclv";
            case 001 -> "vmcall";
            case 002 -> "vmlaunch";
            case 003 -> "vmresume";
            case 004 -> "vmxoff";
            case 005 -> "pconfig";
            case 006 -> "wrmsrns";
            case 010 -> "monitor";
            case 011 -> "mwait";
            case 012 -> rp == 0xf2 ? "erets" : rp == 0xf3 ? "eretu" : "clac";
            case 013 -> "stac";
            case 014 -> p66 ? "tdcall" : null;
            case 015 -> p66 ? "seamret" : null;
            case 016 -> p66 ? "seamops" : null;
            case 017 -> p66 ? "seamcall" : "encls";
            case 020 -> "xgetbv";
            case 021 -> "xsetbv";
            case 024 -> "vmfunc";
            case 025 -> "xend";
            case 026 -> "xtest";
            case 027 -> "enclu";
            case 030 -> "vmrun";
            case 031 -> rp != 0 ? "vmgexit" : "vmmcall";
            case 032 -> "vmload";
            case 033 -> "vmsave";
            case 034 -> "stgi";
            case 035 -> "clgi";
            case 036 -> "skinit";
            case 037 -> "invlpga";
            case 050 -> rp == 0xf3 ? "setssbsy" : rp == 0xf2 ? "xsusldtrk" : "serialize";
            case 052 -> rp == 0xf3 ? "saveprevssp" : null;
            case 056 -> "rdpkru";
            case 057 -> "wrpkru";
            case 070 -> "swapgs";
            case 071 -> "rdtscp";
            case 072 -> "monitorx";
            case 073 -> "mwaitx";
            case 074 -> "clzero";
            case 075 -> "rdpru";
            case 076 -> rp == 0xf3 ? "rmpadjust" : rp == 0xf2 ? "rmpupdate" : null;
            case 077 -> rp == 0xf2 ? "pvalidate" : rp == 0xf3 ? "psmash" : null;
            default -> null;
        };
        if (m == null) {
            if (reg == 4) {
                d.entry("smsw Ev");
                return;
            }
            if (reg == 6) {
                d.entry("lmsw Ew");
                return;
            }
            throw X86Decoder.bad();
        }
        if (m.equals("tdcall") || m.startsWith("seam")) {
            d.pfxUsed[d.p66] = true;
        }
        if (rp != 0 && (m.equals("vmgexit") || m.equals("erets") || m.equals("eretu") || m.equals("setssbsy")
                || m.equals("xsusldtrk") || m.equals("saveprevssp") || m.startsWith("rmp") || m.equals("pvalidate")
                || m.equals("psmash"))) {
            d.pfxUsed[d.pRep] = true;
        }
        d.setMnem(m);
        d.noReverse = true;
        d.intelNoOperands = true; // objdump's Intel syntax leaves monitor's and mwait's registers implicit
        boolean a32 = d.p67 >= 0;
        switch (m) {
            case "monitor", "monitorx" -> {
                d.reg(a32 ? "eax" : "rax");
                d.reg("ecx");
                d.reg("edx");
            }
            case "mwait" -> {
                d.reg("eax");
                d.reg("ecx");
            }
            case "mwaitx" -> {
                d.reg("eax");
                d.reg("ecx");
                d.reg("ebx");
            }
            default -> {
            }
        }
    }

    static void grp15(Decoding d) {
        d.modrm();
        int reg = d.reg;
        int rp = d.pRep >= 0 ? d.pfx[d.pRep] : 0;
        if (d.mod != 3) {
            String sfx = d.w() ? "64" : "";
            switch (reg) {
                case 0 -> d.entry("fxsave" + sfx + " M");
                case 1 -> d.entry("fxrstor" + sfx + " M");
                case 2 -> d.entry("ldmxcsr Md");
                case 3 -> d.entry("stmxcsr Md");
                case 4 -> {
                    if (rp == 0xf3) {
                        d.pfxUsed[d.pRep] = true;
                        d.entry("ptwrite{l|q} Ey");
                    } else {
                        d.entry("xsave" + sfx + " M");
                    }
                }
                case 5 -> d.entry("xrstor" + sfx + " M");
                case 6 -> {
                    if (d.p66 >= 0) {
                        d.pfxUsed[d.p66] = true;
                        d.entry("clwb Mb");
                    } else {
                        d.entry("xsaveopt" + sfx + " M");
                    }
                }
                default -> {
                    if (d.p66 >= 0) {
                        d.pfxUsed[d.p66] = true;
                        d.entry("clflushopt Mb");
                    } else {
                        d.entry("clflush Mb");
                    }
                }
            }
            return;
        }
        if (rp == 0xf3) {
            d.pfxUsed[d.pRep] = true;
            switch (reg) {
                case 0 -> d.entry("rdfsbase Ey");
                case 1 -> d.entry("rdgsbase Ey");
                case 2 -> d.entry("wrfsbase Ey");
                case 3 -> d.entry("wrgsbase Ey");
                case 5 -> d.entry("incssp{d|q} Ey");
                case 6 -> d.entry("umonitor Eq");
                default -> throw X86Decoder.bad();
            }
            return;
        }
        if (reg == 6 && (d.p66 >= 0 || rp == 0xf2)) {
            if (rp == 0xf2) {
                d.pfxUsed[d.pRep] = true;
                d.entry("umwait Ed");
            } else {
                d.pfxUsed[d.p66] = true;
                d.entry("tpause Ed");
            }
            return;
        }
        switch (reg) {
            case 5 -> d.setMnem("lfence");
            case 6 -> d.setMnem("mfence");
            case 7 -> d.setMnem("sfence");
            default -> throw X86Decoder.bad();
        }
    }

    static void grp9(Decoding d) {
        d.modrm();
        int reg = d.reg;
        if (d.mod != 3) {
            String sfx = d.w() ? "64" : "";
            switch (reg) {
                case 1 -> d.entry(sfx.isEmpty() ? "cmpxchg8b Mq" : "cmpxchg16b Mdq");
                case 3 -> d.entry("xrstors" + sfx + " M");
                case 4 -> d.entry("xsavec" + sfx + " M");
                case 5 -> d.entry("xsaves" + sfx + " M");
                case 6 -> {
                    if (d.p66 >= 0) {
                        d.pfxUsed[d.p66] = true;
                        d.entry("vmclear Mq");
                    } else if (d.useF3()) {
                        d.entry("vmxon Mq");
                    } else {
                        d.entry("vmptrld Mq");
                    }
                }
                case 7 -> d.entry("vmptrst Mq");
                default -> throw X86Decoder.bad();
            }
            return;
        }
        switch (reg) {
            case 6 -> d.entry("rdrand Ev");
            case 7 -> {
                if (d.useF3()) {
                    d.entry("rdpid Eq");
                } else {
                    d.entry("rdseed Ev");
                }
            }
            default -> throw X86Decoder.bad();
        }
    }
}
