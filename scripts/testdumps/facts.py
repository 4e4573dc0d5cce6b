#!/usr/bin/python3
"""Facts about one test dump, for the Java tests (schema: testdumps/LAYOUT.md).

    facts.py write CASE_DIR --kernel 6.1 --case uaf --module oops_uaf \
                            --release 6.1.0-54-cloud-amd64 --kernel-package "PKG VERSION"
        reads CASE_DIR/console.log and the VMCOREINFO note of CASE_DIR/vmcore.elf, writes
        CASE_DIR/facts.json and CASE_DIR/vmcoreinfo.txt (the note's text, verbatim).
    facts.py check-vmcoreinfo FILE...
        fails (exit 1, one line) unless every FILE carries VMCOREINFO: ELF files are parsed
        (PT_NOTE named "VMCOREINFO"); kdump/flattened files are scanned for the note text.

Everything comes from the guest's own output: the oops on the console, the module's
"oops_facts:" lines (addresses printed with %px), and VMCOREINFO. Stdlib only.
"""
import json
import os
import re
import struct
import sys

MASK64 = (1 << 64) - 1
DUMP_FILES = [  # facts.json "dumps" key -> file name
    ("elf", "vmcore.elf"), ("kdump-zlib", "vmcore.kdump-zlib"),
    ("d31.zlib", "vmcore.d31.zlib"), ("d31.lzo", "vmcore.d31.lzo"),
    ("d31.zstd", "vmcore.d31.zstd"), ("d31.elf", "vmcore.d31.elf"),
    ("d31.flat", "vmcore.d31.flat"),
]


class FactsError(Exception):
    pass


def hx(v):
    return "0x%x" % (v & MASK64)


# ---------------------------------------------------------------- ELF / VMCOREINFO

def elf_notes(path):
    """Yield (name, type, desc bytes) of every note in the PT_NOTE segments of an ELF64 core."""
    with open(path, "rb") as f:
        eh = f.read(64)
        if len(eh) < 64 or eh[:4] != b"\x7fELF" or eh[4] != 2:
            raise FactsError("%s: not an ELF64 file" % path)
        e_phoff, = struct.unpack_from("<Q", eh, 32)
        e_phentsize, e_phnum = struct.unpack_from("<HH", eh, 54)
        if e_phnum == 0xFFFF:  # PN_XNUM: the real count is in section 0's sh_info
            e_shoff, = struct.unpack_from("<Q", eh, 40)
            f.seek(e_shoff + 44)
            e_phnum, = struct.unpack("<I", f.read(4))
        if e_phnum > 1 << 20:
            raise FactsError("%s: implausible e_phnum %d" % (path, e_phnum))
        f.seek(e_phoff)
        ph = f.read(e_phnum * e_phentsize)
        for i in range(e_phnum):
            p_type, _flags, p_offset, _va, _pa, p_filesz = struct.unpack_from("<IIQQQQ", ph, i * e_phentsize)
            if p_type != 4:
                continue
            if p_filesz > 64 << 20:
                raise FactsError("%s: PT_NOTE of %d bytes" % (path, p_filesz))
            f.seek(p_offset)
            data = f.read(p_filesz)
            off = 0
            while off + 12 <= len(data):
                namesz, descsz, ntype = struct.unpack_from("<III", data, off)
                off += 12
                name = data[off:off + namesz].rstrip(b"\0").decode("ascii", "replace")
                off += (namesz + 3) & ~3
                desc = data[off:off + descsz]
                off += (descsz + 3) & ~3
                yield name, ntype, desc


def elf_vmcoreinfo(path):
    for name, _t, desc in elf_notes(path):
        if name == "VMCOREINFO":
            return desc.rstrip(b"\0").decode("ascii", "replace")
    return None


def scan_vmcoreinfo(path, limit=64 << 20):
    """True if the first `limit` bytes hold VMCOREINFO text (kdump files keep it uncompressed)."""
    with open(path, "rb") as f:
        data = f.read(limit)
    return b"OSRELEASE=" in data and b"KERNELOFFSET=" in data


def check_vmcoreinfo(paths):
    for p in paths:
        with open(p, "rb") as f:
            magic = f.read(4)
        if magic == b"\x7fELF":
            ok = elf_vmcoreinfo(p) is not None
        else:
            ok = scan_vmcoreinfo(p)
        if not ok:
            raise FactsError("%s has no VMCOREINFO (did the guest load qemu_fw_cfg?)" % p)


def parse_vmcoreinfo(text):
    kv = {}
    for line in text.splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            kv[k] = v
    return kv


# ---------------------------------------------------------------- console

TS = re.compile(r"^\[\s*\d+\.\d+\]\s?")
FACT = re.compile(r"oops_facts: (\w+) (.*)$")
CPU = re.compile(r"CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (.+?) (?:Not tainted|Tainted:)")
RIP = re.compile(r"^RIP: ([0-9a-f]{4}):((\S+?)\+0x([0-9a-f]+)/0x([0-9a-f]+)(?: \[(\w+)\])?)\s*$")
RSP = re.compile(r"^RSP: ([0-9a-f]{4}):([0-9a-f]+) EFLAGS: ([0-9a-f]+)(?: ORIG_RAX: ([0-9a-f]+))?")
REGPAIR = re.compile(r"\b([A-Z][A-Z0-9]*):\s*([0-9a-f]{4,16})\b")
SEG = re.compile(r"\b(FS|GS):\s*([0-9a-f]{16})\(([0-9a-f]{4})\)")
FRAME = re.compile(r"^(\? )?([\w.$]+)\+0x([0-9a-f]+)/0x([0-9a-f]+)(?: \[(\w+)\])?$")
FRAME_ADDR = re.compile(r"^(\? )?0x([0-9a-f]+)$")
OOPS_START = re.compile(
    r"^(BUG: |general protection fault|kernel BUG at |Oops: |------------\[ cut here \]|"
    r"stack segment: |invalid opcode: )")


def console_lines(path):
    with open(path, "rb") as f:
        raw = f.read().decode("utf-8", "replace")
    out = []
    for line in raw.replace("\r", "").split("\n"):
        out.append(TS.sub("", line).rstrip())
    return out


def module_facts(lines, module):
    facts = {"funcs": {}, "globals": {}, "record": None, "base": None, "initBase": None}
    for line in lines:
        m = FACT.search(line)
        if not m:
            continue
        kind, rest = m.group(1), m.group(2)
        if kind == "module":
            f = rest.split()
            if f[0] == module:
                facts["base"] = int(f[2], 16)
                facts["initBase"] = int(f[4], 16)
        elif kind == "func":
            name, addr = rest.split()
            facts["funcs"][name] = int(addr, 16)
        elif kind == "global":
            name, addr, value = (rest.split(" ", 2) + [""])[:3]
            facts["globals"][name] = {"address": hx(int(addr, 16)), "value": value}
        elif kind == "record":
            name, addr, attrs = rest.split(" ", 2)
            members = dict(a.split("=", 1) for a in attrs.split())
            rec = {"type": "struct oops_record", "symbol": name, "address": hx(int(addr, 16)),
                   "members": {
                       "magic": members["magic"],
                       "name": members["name"],
                       "link.next": hx(int(members["link.next"], 16)),
                       "link.prev": hx(int(members["link.prev"], 16)),
                       "owner": hx(int(members["owner"], 16)),
                       "values": [int(v) for v in members["values"].split(",")],
                       "flag_a": int(members["flag_a"]),
                       "flag_b": int(members["flag_b"]),
                       "level": int(members["level"]),
                   }}
            facts["record"] = rec
    if facts["base"] is None:
        raise FactsError("console has no 'oops_facts: module %s' line" % module)
    return facts


def parse_oops(lines):
    """The first oops on the console: header, registers, call trace, panic message."""
    die = next((i for i, l in enumerate(lines) if re.search(r"\[#1\]", l)), None)
    if die is None:
        raise FactsError("console has no oops ('[#1]' line)")
    start = die
    for j in range(die - 1, max(die - 8, 0) - 1, -1):
        if OOPS_START.match(lines[j]):
            start = j
    o = {"panicLine": lines[die], "oopsHeader": [l for l in lines[start:die] if l]}
    regs = {}
    rip = None
    i = die + 1
    while i < len(lines) and not lines[i].startswith("Call Trace:"):
        l = lines[i]
        m = CPU.search(l)
        if m and "cpu" not in o:
            o["cpu"], o["pid"], o["comm"] = int(m.group(1)), int(m.group(2)), m.group(3)
        m = RIP.match(l)
        if m and rip is None:
            rip = {"symbol": m.group(2), "function": m.group(3), "offset": int(m.group(4), 16),
                   "length": int(m.group(5), 16), "module": m.group(6)}
            regs["cs"] = hx(int(m.group(1), 16))
        m = RSP.match(l)
        if m:
            regs["ss"] = hx(int(m.group(1), 16))
            regs["rsp"] = hx(int(m.group(2), 16))
            regs["eflags"] = hx(int(m.group(3), 16))
        elif re.match(r"^(R[A-Z0-9]{1,2}|CS|CR2|PKRU|DR\d):", l):
            for name, val in REGPAIR.findall(l):
                if name != "RSP":
                    regs[re.sub(r"^r0(\d)$", r"r\1", name.lower())] = hx(int(val, 16))
        elif l.startswith("FS:"):
            for name, val, sel in SEG.findall(l):
                regs[name.lower() + "_base"] = hx(int(val, 16))
                regs[name.lower()] = hx(int(sel, 16))
            m = re.search(r"knlGS:([0-9a-f]+)", l)
            if m:
                regs["knlgs_base"] = hx(int(m.group(1), 16))
        i += 1
    if rip is None:
        raise FactsError("oops has no 'RIP: 0010:symbol+off/len' line")
    if "cpu" not in o:
        raise FactsError("oops has no 'CPU: .. PID: .. Comm:' line")
    o["rip"] = rip
    o["registers"] = regs

    # Call Trace: until the "Modules linked in" line
    entries = []
    context = None
    depth_in_regs = False
    i += 1
    while i < len(lines) and not lines[i].startswith("Modules linked in:") and \
            not lines[i].startswith("---[ end trace"):
        l = lines[i].strip()
        i += 1
        if l in ("<TASK>", "<IRQ>", "<NMI>", "<SOFTIRQ>") or re.match(r"^<#\w+>$", l):
            context = l[1:-1]
            continue
        if re.match(r"^</\w+>$", l):
            context = None
            continue
        m = FRAME.match(l)
        if m:
            entries.append({"function": m.group(2), "offset": int(m.group(3), 16),
                            "length": int(m.group(4), 16), "module": m.group(5),
                            "reliable": m.group(1) is None, "context": context})
            continue
        m = FRAME_ADDR.match(l)
        if m:
            entries.append({"address": hx(int(m.group(2), 16)), "reliable": m.group(1) is None,
                            "context": context})
            continue
        if l.startswith("RIP:"):  # registers of an interrupted context inside the trace
            entries.append({"interruptedRip": l[4:].strip(), "context": context})
    o["callTrace"] = [e["function"] for e in entries if e.get("reliable") and "function" in e]
    o["callTraceEntries"] = entries

    panic = next((l for l in lines if l.startswith("Kernel panic - not syncing: ")), None)
    if panic is None:
        raise FactsError("console has no 'Kernel panic - not syncing' line")
    o["panicMessage"] = panic[len("Kernel panic - not syncing: "):]
    return o


# ---------------------------------------------------------------- write

def write_facts(a):
    d = a.case_dir
    lines = console_lines(os.path.join(d, "console.log"))
    vmci_text = elf_vmcoreinfo(os.path.join(d, "vmcore.elf"))
    if vmci_text is None:
        raise FactsError("vmcore.elf has no VMCOREINFO note")
    vmci = parse_vmcoreinfo(vmci_text)
    mod = module_facts(lines, a.module)
    oops = parse_oops(lines)

    rip = oops["rip"]
    fn = rip["function"]
    if fn not in mod["funcs"]:
        raise FactsError("RIP is in %s, which the module did not print with oops_facts" % fn)
    rip_addr = mod["funcs"][fn] + rip["offset"]
    rip_out = {"address": hx(rip_addr), **rip}
    regs = dict(oops["registers"])
    regs["rip"] = hx(rip_addr)

    if vmci.get("OSRELEASE") != a.release:
        raise FactsError("VMCOREINFO OSRELEASE %r is not %r" % (vmci.get("OSRELEASE"), a.release))
    l5 = vmci.get("NUMBER(pgtable_l5_enabled)")
    if a.expect_five_level and (l5 == "1") != (a.expect_five_level == "yes"):
        raise FactsError("VMCOREINFO NUMBER(pgtable_l5_enabled)=%s, expected five-level paging: %s"
                         % (l5, a.expect_five_level))
    facts = {
        "kernel": a.kernel, "case": a.case, "module": a.module,
        "release": a.release, "kernelPackage": a.kernel_package,
        "fiveLevelPaging": l5 == "1",
        "kaslrOffset": hx(int(vmci["KERNELOFFSET"], 16)),
        "physBase": hx(int(vmci["NUMBER(phys_base)"], 0)),
        "vmcoreinfoKeys": sum(1 for l in vmci_text.splitlines() if "=" in l),
        "buildId": vmci.get("BUILD-ID"),
        "panicLine": oops["panicLine"],
        "oopsHeader": oops["oopsHeader"],
        "panicMessage": oops["panicMessage"],
        "cpu": oops["cpu"], "pid": oops["pid"], "comm": oops["comm"],
        "rip": rip_out,
        "callTrace": oops["callTrace"],
        "callTraceEntries": oops["callTraceEntries"],
        "registers": regs,
        "moduleBase": hx(mod["base"]),
        "moduleInitBase": hx(mod["initBase"]),
        "moduleFunctions": {k: hx(v) for k, v in sorted(mod["funcs"].items())},
        "globals": mod["globals"],
        "record": mod["record"],
        "dumps": {},
    }
    for key, name in DUMP_FILES:
        p = os.path.join(d, name)
        if os.path.exists(p):
            facts["dumps"][key] = os.path.getsize(p)
    tools = os.path.join(d, ".dump-tools")  # "<dumps key> <tool and version>" per line
    if os.path.exists(tools):
        with open(tools) as f:
            facts["dumpTools"] = dict(l.rstrip("\n").split(" ", 1) for l in f if " " in l)
    with open(os.path.join(d, "vmcoreinfo.txt"), "w") as f:
        f.write(vmci_text if vmci_text.endswith("\n") else vmci_text + "\n")
    tmp = os.path.join(d, "facts.json.tmp")
    with open(tmp, "w") as f:
        json.dump(facts, f, indent=2)
        f.write("\n")
    os.replace(tmp, os.path.join(d, "facts.json"))


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("case_dir")
    for opt in ("--kernel", "--case", "--module", "--release", "--kernel-package"):
        w.add_argument(opt, required=True)
    w.add_argument("--expect-five-level", choices=("yes", "no"),
                   help="fail unless VMCOREINFO NUMBER(pgtable_l5_enabled) agrees")
    c = sub.add_parser("check-vmcoreinfo")
    c.add_argument("files", nargs="+")
    a = ap.parse_args()
    try:
        if a.cmd == "write":
            write_facts(a)
        else:
            check_vmcoreinfo(a.files)
    except (FactsError, OSError, KeyError, ValueError) as e:
        print("facts: %s: %s" % (getattr(a, "case_dir", "") or " ".join(getattr(a, "files", [])),
                                 e), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
