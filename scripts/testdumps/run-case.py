#!/usr/bin/python3
"""Boot one test guest under QEMU (TCG), wait for its panic, dump its memory over QMP.

    run-case.py --name 6.1/uaf --kernel vmlinuz --initrd initrd --append "..." \
                --cpu max,la57=off --out CASE_DIR [--timeout 180] [--mem 512]

Writes CASE_DIR/console.log, CASE_DIR/vmcore.elf (dump-guest-memory paging=false) and
CASE_DIR/vmcore.kdump-zlib (format kdump-zlib, flattened). The panic is caught by the pvpanic
device (-action panic=pause, QMP event GUEST_PANICKED). If the guest panics without pvpanic
(driver not bound), the console's "Kernel panic - not syncing" line is the fallback trigger:
the VM is stopped and dumped the same way. Exits 1 with a one-line message on failure; QEMU is
always killed before exiting. Python stdlib only.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

PANIC_MARK = b"Kernel panic - not syncing"
FAIL_MARK = b"TESTDUMPS-FAIL:"
FALLBACK_GRACE = 10.0  # seconds to wait for GUEST_PANICKED after the console shows a panic


class CaseError(Exception):
    pass


class Qmp:
    """Minimal QMP client: one command at a time, events queued."""

    def __init__(self, path, deadline):
        self.sock = None
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(path)
                self.sock = s
                break
            except (FileNotFoundError, ConnectionRefusedError):
                s.close()
                if time.monotonic() > deadline:
                    raise CaseError("QMP socket never came up")
                time.sleep(0.1)
        self.buf = b""
        self.events = []
        greeting = self._read_msg(deadline)
        if "QMP" not in greeting:
            raise CaseError("unexpected QMP greeting: %r" % greeting)
        self.command("qmp_capabilities", deadline=deadline)

    def _read_msg(self, deadline):
        while b"\n" not in self.buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError()
            self.sock.settimeout(min(remaining, 1.0))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise CaseError("QEMU closed the QMP connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def command(self, name, deadline, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read_msg(deadline)
            if "event" in reply:
                self.events.append(reply)
                continue
            if "error" in reply:
                raise CaseError("QMP %s failed: %s" % (name, reply["error"].get("desc", reply)))
            return reply.get("return")

    def next_event(self, timeout):
        """Next event or None after timeout seconds."""
        if self.events:
            return self.events.pop(0)
        try:
            msg = self._read_msg(time.monotonic() + timeout)
        except TimeoutError:
            return None
        if "event" in msg:
            return msg
        return None


def console_has(path, mark):
    try:
        with open(path, "rb") as f:
            return mark in f.read()
    except FileNotFoundError:
        return False


def console_tail(path, marker):
    """The text after marker on its line, for failure messages."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return ""
    i = data.find(marker)
    if i < 0:
        return ""
    return data[i:].split(b"\n", 1)[0].decode("utf-8", "replace").strip()


def dump(qmp, path, fmt, deadline):
    if os.path.exists(path):
        os.unlink(path)
    args = {"paging": False, "protocol": "file:" + path}
    if fmt != "elf":
        args["format"] = fmt
    qmp.command("dump-guest-memory", deadline=deadline, **args)
    # dump-guest-memory is synchronous without detach; query-dump confirms it.
    while True:
        st = qmp.command("query-dump", deadline=deadline)
        if st.get("status") == "completed":
            break
        if st.get("status") == "failed":
            raise CaseError("dump-guest-memory %s failed" % fmt)
        if time.monotonic() > deadline:
            raise CaseError("dump-guest-memory %s did not complete" % fmt)
        time.sleep(0.2)
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        raise CaseError("dump-guest-memory %s wrote nothing" % fmt)


def run(a):
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    console = os.path.join(out, "console.log")
    for f in ("console.log", "vmcore.elf", "vmcore.kdump-zlib"):
        p = os.path.join(out, f)
        if os.path.exists(p):
            os.unlink(p)
    tmp = tempfile.mkdtemp(prefix="qmp-", dir="/tmp")
    sock_path = os.path.join(tmp, "qmp.sock")
    cmd = [
        a.qemu, "-accel", "tcg,thread=multi", "-cpu", a.cpu, "-smp", "2", "-m", str(a.mem),
        "-nographic", "-no-reboot", "-display", "none", "-monitor", "none",
        "-kernel", a.kernel, "-initrd", a.initrd, "-append", a.append,
        "-device", "pvpanic", "-action", "panic=pause", "-device", "vmcoreinfo",
        "-serial", "file:" + console,
        "-qmp", "unix:%s,server=on,wait=off" % sock_path,
    ]
    start = time.monotonic()
    deadline = start + a.timeout
    qemu_log = open(os.path.join(tmp, "qemu.stderr"), "w+b")
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=qemu_log, stderr=qemu_log,
                            start_new_session=True)

    def kill_qemu(*_):
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()

    def on_signal(signum, _frame):
        kill_qemu()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        qmp = Qmp(sock_path, deadline)
        how = None
        panic_seen_at = None
        while how is None:
            if proc.poll() is not None:
                qemu_log.seek(0)
                err = qemu_log.read().decode("utf-8", "replace").strip().splitlines()
                fail = console_tail(console, FAIL_MARK)
                raise CaseError(fail or ("QEMU exited (%s) before a panic%s" %
                                         (proc.returncode, (": " + err[-1]) if err else "")))
            if time.monotonic() > deadline:
                raise CaseError("no panic within %d s (guest hung?)" % a.timeout)
            ev = qmp.next_event(0.5)
            if ev is not None:
                name = ev.get("event")
                if name == "GUEST_PANICKED":
                    how = "pvpanic"
                elif name in ("SHUTDOWN", "POWERDOWN", "RESET"):
                    fail = console_tail(console, FAIL_MARK)
                    raise CaseError(fail or "guest shut down without a panic (%s)" % name)
                continue
            if console_has(console, FAIL_MARK):
                raise CaseError(console_tail(console, FAIL_MARK))
            if panic_seen_at is None and console_has(console, PANIC_MARK):
                panic_seen_at = time.monotonic()
            if panic_seen_at is not None and time.monotonic() - panic_seen_at > FALLBACK_GRACE:
                qmp.command("stop", deadline=deadline)
                how = "console"
        panicked = time.monotonic() - start
        # The guest is paused now; give the dumps their own time budget.
        dump_deadline = time.monotonic() + max(a.timeout, 300)
        dump(qmp, os.path.join(out, "vmcore.elf"), "elf", dump_deadline)
        dump(qmp, os.path.join(out, "vmcore.kdump-zlib"), "kdump-zlib", dump_deadline)
        try:
            qmp.command("quit", deadline=time.monotonic() + 10)
        except (CaseError, TimeoutError):
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        print("panic via %s after %.1f s, dumped after %.1f s" %
              (how, panicked, time.monotonic() - start))
    finally:
        kill_qemu()
        qemu_log.close()
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        os.rmdir(tmp)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--name", required=True, help="case name for messages, e.g. 6.1/uaf")
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--append", required=True)
    ap.add_argument("--cpu", default="max,la57=off")
    ap.add_argument("--mem", type=int, default=512)
    ap.add_argument("--timeout", type=int, default=180)
    ap.add_argument("--out", required=True)
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    a = ap.parse_args()
    try:
        run(a)
    except (CaseError, TimeoutError, OSError) as e:
        msg = str(e) or e.__class__.__name__
        print("%s: qemu: %s" % (a.name, msg), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
