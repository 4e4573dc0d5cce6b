#!/usr/bin/env bash
# crash-refs.sh CASE_DIR VMLINUX
#
# Writes CASE_DIR/crash/<name>.txt, the output of crash 8.0.6 (from the trixie chroot, for 6.1 and
# 6.12 alike) for a fixed list of commands run on CASE_DIR/vmcore.d31.zlib with the given debug
# vmlinux, and CASE_DIR/crash/commands.tsv (name<TAB>command). One crash session per case: the
# commands go in an input file and each one redirects its own output (`cmd > file`).
#
# Inputs from CASE_DIR/facts.json: module, rip.address, record.address, globals (keys).
# CASE_DIR/<module>.ko is the module as loaded, with its debuginfo.
#
# On kernels whose modules keep non-zero section addresses from `ld -r` (Debian 6.12: .data at
# sh_addr 0x28-0x40), crash's gdb misplaces .data symbols by that much after `mod -s`: wrong values
# for initialised .data globals (and wrong symbols for .data addresses in `struct`). The `struct`
# and `p <global>` references are then taken after re-loading a copy of the .ko whose section
# addresses are zeroed (objcopy --change-section-address S=0); that copy lives under
# $CACHE/work/crash-refs/<K>-<case>-<hash>/, and commands.tsv records the re-load as "mod-s-data0".
#
# What crash says on its own stdout/stderr while running a command (errors such as bt -a's on an
# offline CPU) goes to crash/<name>.err; the whole session to crash/.session.log.
#
# Idempotent: skipped when CASE_DIR/crash/.stamp is newer than facts.json, the dump and the .ko
# (CRASH_REFS_FORCE=1 redoes it). CRASH_REFS_TIMEOUT (default 600 s) bounds the crash run, which
# takes 20-40 s on a quiet machine here and up to ~170 s with QEMU and other crash runs beside it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export LOG_TAG="${LOG_TAG:-crash-refs}"
# trixie.sh sources lib.sh (log, die, need_pkgs, CACHE) and defines chroot_run and cmd_ensure.
# shellcheck source=trixie.sh
source "$HERE/trixie.sh"

TIMEOUT="${CRASH_REFS_TIMEOUT:-600}"
MARK="@@crash-refs@@"

usage() { die "usage: crash-refs.sh CASE_DIR VMLINUX"; }

# The commands, in order: name<TAB>command. Placeholders: @MOD@ @KO@ @RIP@ @REC@.
base_commands() {
    cat <<'EOF'
sys	sys
bt	bt
bt-a	bt -a
bt-f	bt -f
bt-l	bt -l
log	log
ps	ps
mod	mod
mod-s	mod -s @MOD@ @KO@
sym-rip	sym @RIP@
dis-l-rip	dis -l @RIP@
rd	rd -64 @REC@ 16
EOF
}
# After the corrected module (if any): everything gdb symbolises in module data.
data_commands() {
    cat <<'EOF'
struct	struct oops_record @REC@
struct-o-task_struct	struct -o task_struct
EOF
}
# Type layouts and typed values of kernel globals (for the DWARF/BTF type sources and `p`).
types_commands() {
    local t
    for t in module list_head hlist_node mm_struct page pt_regs oops_record file inode dentry \
        super_block cred vm_area_struct sk_buff net_device kmem_cache timer_list work_struct \
        mutex rb_node qspinlock wait_queue_head pid upid signal_struct files_struct \
        inactive_task_frame printk_ringbuffer prb_desc; do
        printf 'struct-o-%s\tstruct -o %s\n' "$t" "$t"
    done
    cat <<'EOF'
union-o-sigval	union -o sigval
struct-task-comm-pid	struct task_struct.comm,pid,flags init_task
struct-task-x	struct -x task_struct.pid,tgid,stack init_task
p-init_task-comm	p init_task.comm
p-init_task-pid	p init_task.pid
px-init_task-flags	p/x init_task.flags
p-addr-init_task	p &init_task
p-uts-release	p init_uts_ns.name.release
p-jiffies-type	whatis jiffies
p-nr_cpu_ids	p nr_cpu_ids
p-this_cpu_off-0	p this_cpu_off:0
p-this_cpu_off-1	p this_cpu_off:1
p-cast-tasks	p ((struct list_head *)&init_task.tasks)->next
p-tasks-prev	p init_task.tasks.prev
whatis-list_head	whatis struct list_head
whatis-init_task	whatis init_task
whatis-oops_record	whatis struct oops_record
EOF
}
tail_commands() {
    cat <<'EOF'
vtop	vtop @REC@
kmem-i	kmem -i
vtop-text	vtop @SCHED@
vtop-directmap	vtop @DIRECT@
rd-sym	rd -64 linux_banner 16
EOF
}
# Kernel records (#6) and backtraces (#7): options beyond the base commands.
story_commands() {
    cat <<'EOF'
log-T	log -T
log-t	log -t
log-m	log -m
log-c	log -c
ps-k	ps -k
ps-u	ps -u
ps-G	ps -G
ps-comm	ps insmod
task-R	task -R pid,comm,prio
runq	runq
bt-c0	bt -c 0
bt-s	bt -s
bt-t	bt -t
bt-e	bt -e
bt-p	bt -p
foreach-bt	foreach bt
EOF
}

# text_samples VMLINUX KASLR_OFFSET : 200 kernel text addresses, runtime (KASLR applied), every
# Nth text symbol of the vmlinux plus a small offset: the references for `sym` on kernel text.
# As commands sym-text-0..9 of 20 addresses each (crash cuts long input lines).
text_samples() {
    local vmlinux=$1 offset=$2 i=0 a line=""
    while read -r a; do
        line+="$(printf '%x' $((0x$a + offset + i % 8))) "
        i=$((i + 1))
        if ((i % 20 == 0)); then
            printf 'sym-text-%d\tsym %s\n' $((i / 20 - 1)) "${line% }"
            line=""
        fi
    done < <(nm "$vmlinux" | awk '$2 == "T" || $2 == "t" { print $1 }' | sort -u | awk 'NR % 211 == 7' | head -n 200)
}

# nonzero_alloc_sections KO : names of the SHF_ALLOC sections whose sh_addr is not 0
nonzero_alloc_sections() {
    readelf -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] //p' | awk '
        { name = $1; addr = $3; flags = "" }
        # Columns: Name Type Address Off Size ES [Flg] Lk Inf Al; Flg may be absent.
        NF >= 10 { flags = $7 }
        flags ~ /A/ && addr !~ /^0+$/ { print name }'
}

main() {
    (($# == 2)) || usage
    local case_dir vmlinux
    case_dir="$(realpath -e "$1")" || die "no such case directory: $1"
    vmlinux="$(realpath -e "$2")" || die "no such vmlinux: $2"
    [[ "$case_dir$vmlinux" != *[[:space:]]* ]] || die "paths with blanks are not supported: $case_dir $vmlinux"
    local facts="$case_dir/facts.json" dump="$case_dir/vmcore.d31.zlib"
    [[ -s "$facts" ]] || die "missing $facts"
    [[ -s "$dump" ]] || die "missing $dump"
    need_pkgs jq binutils coreutils util-linux

    local module rip rec
    module="$(jq -er '.module' "$facts")" || die "no .module in $facts"
    rip="$(jq -er '.rip.address' "$facts")" || die "no .rip.address in $facts"
    rec="$(jq -er '.record.address' "$facts")" || die "no .record.address in $facts"
    [[ "$module" =~ ^[A-Za-z0-9_]+$ ]] || die "odd module name in $facts: $module"
    [[ "$rip" =~ ^0x[0-9a-f]+$ ]] || die "odd rip.address in $facts: $rip"
    [[ "$rec" =~ ^0x[0-9a-f]+$ ]] || die "odd record.address in $facts: $rec"
    local globals=()
    mapfile -t globals < <(jq -r '(.globals // {}) | keys[]' "$facts")
    local kaslr sched direct
    kaslr="$(jq -er '.kaslrOffset' "$facts")" || die "no .kaslrOffset in $facts"
    sched="$(printf '%x' $((0x$(nm "$vmlinux" | awk '$3 == "schedule" { print $1; exit }') + kaslr)))"
    # VMCOREINFO's SYMBOL(mem_section) holds the pointer's value: a direct-map address.
    direct="$(sed -n 's/^SYMBOL(mem_section)=//p' "$case_dir/vmcoreinfo.txt")"
    [[ "$direct" =~ ^[0-9a-f]+$ ]] || die "no SYMBOL(mem_section) in $case_dir/vmcoreinfo.txt"
    local g
    for g in "${globals[@]}"; do
        [[ "$g" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "odd global name in $facts: $g"
    done
    local ko="$case_dir/$module.ko"
    [[ -s "$ko" ]] || die "missing $ko"

    local out="$case_dir/crash" stamp="$case_dir/crash/.stamp"
    if [[ -z "${CRASH_REFS_FORCE:-}" && -f "$stamp" && "$stamp" -nt "$facts" && "$stamp" -nt "$dump" \
        && "$stamp" -nt "$ko" && "$stamp" -nt "$vmlinux" ]]; then
        log "up to date: $out"
        return 0
    fi

    cmd_ensure
    # A work dir under the cache, per case: the crash input script and the corrected .ko.
    local work kname cname
    kname="$(basename "$(dirname "$case_dir")")"
    cname="$(basename "$case_dir")"
    work="$CACHE/work/crash-refs/$kname-$cname-$(printf '%s' "$case_dir" | sha1sum | cut -c1-8)"
    rm -rf "$work"
    mkdir -p "$work"

    # The corrected .ko for `struct` and `p`, only when the module has sections at non-zero addresses.
    local fixed_ko="" secs=() args=() s
    mapfile -t secs < <(nonzero_alloc_sections "$ko")
    if ((${#secs[@]})); then
        for s in "${secs[@]}"; do args+=(--change-section-address "$s=0"); done
        fixed_ko="$work/$module.ko"
        objcopy "${args[@]}" "$ko" "$fixed_ko"
        log "$module.ko has sections at non-zero addresses (${secs[*]}); struct and p references use $fixed_ko"
    fi

    # The command list.
    local tmp="$case_dir/crash.tmp"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    {
        base_commands
        if [[ -n "$fixed_ko" ]]; then
            printf 'mod-s-data0\tmod -s @MOD@ %s\n' "$fixed_ko"
        fi
        data_commands
        types_commands
        for g in "${globals[@]}"; do printf 'p-%s\tp %s\n' "$g" "$g"; done
        tail_commands
        story_commands
        text_samples "$vmlinux" "$kaslr"
    } | sed -e "s|@MOD@|$module|g" -e "s|@KO@|$ko|g" -e "s|@RIP@|$rip|g" -e "s|@REC@|$rec|g" \
        -e "s|@SCHED@|$sched|g" -e "s|@DIRECT@|$direct|g" >"$tmp/commands.tsv"

    # The crash input: one redirected command per line; a re-load of the module first drops the
    # symbols loaded by the earlier `mod -s`.
    # Crash writes some error messages only to its terminal (the session), not to the redirected
    # file: a marker echoed to the session before each command attributes them (<name>.err below).
    local script="$work/input.crash" name cmd
    {
        echo "set scroll off > /dev/null"
        while IFS=$'\t' read -r name cmd; do
            if [[ "$name" == mod-s-data0 ]]; then
                echo "mod -d $module > /dev/null"
            fi
            echo "echo $MARK $name"
            printf '%s > %s/%s.txt\n' "$cmd" "$tmp" "$name"
        done <"$tmp/commands.tsv"
        echo "echo $MARK end"
        echo "q"
    } >"$script"

    log "crash 8.0.6 on $dump with $vmlinux ($(wc -l <"$tmp/commands.tsv") commands, time-out ${TIMEOUT}s)"
    local t0 rc=0 ms secs_taken
    t0="${EPOCHREALTIME/./}"
    chroot_run --bind "$case_dir" --bind "$vmlinux" --bind "$work" -- \
        timeout -k 10 "$TIMEOUT" stdbuf -o0 -e0 crash -s -i "$script" "$vmlinux" "$dump" \
        </dev/null >"$work/session.log" 2>&1 || rc=$?
    ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
    secs_taken="$((ms / 1000)).$(((ms % 1000) / 100))"
    log "crash finished in ${secs_taken} s (exit $rc)"
    # On failure the partial outputs move to the work dir: the case dir keeps no crash.tmp.
    if ((rc == 124 || rc == 137)); then
        tail -n 20 "$work/session.log" >&2
        rm -rf "$work/outputs"; mv "$tmp" "$work/outputs"
        die "crash timed out after ${TIMEOUT}s (session: $work/session.log)"
    fi

    # Every output must exist and be non-empty.
    local bad=() total=0
    while IFS=$'\t' read -r name cmd; do
        total=$((total + 1))
        [[ -s "$tmp/$name.txt" ]] || bad+=("$name.txt")
    done <"$tmp/commands.tsv"
    if ((${#bad[@]})); then
        tail -n 20 "$work/session.log" >&2
        rm -rf "$work/outputs"; mv "$tmp" "$work/outputs"
        if ((${#bad[@]} == total)); then
            die "crash (exit $rc) could not open $dump: $(grep -m1 -E '^crash: ' "$work/session.log" || tail -n1 "$work/session.log") (session: $work/session.log)"
        fi
        die "crash (exit $rc) left missing or empty output: ${bad[*]} (session: $work/session.log, outputs: $work/outputs)"
    fi
    ((rc == 0)) || log "warning: crash exited $rc, but every output exists (session: $work/session.log)"
    # What crash said on the session while running each command (errors, warnings) goes to
    # <name>.err beside <name>.txt, and is named in the log.
    awk -v mark="$MARK" -v dir="$tmp" '
        $1 == mark { if (f) close(f); f = ($2 == "end") ? "" : dir "/" $2 ".err"; next }
        f != "" { print > f }' "$work/session.log"
    while IFS=$'\t' read -r name cmd; do
        if [[ -s "$tmp/$name.err" ]]; then
            log "warning: '$cmd' said: $(head -n 1 "$tmp/$name.err")$( (($(wc -l <"$tmp/$name.err") > 1)) && echo " (...)") [$name.err]"
        fi
        local said
        said="$(grep -m1 -E '^[a-z]+: (invalid|cannot|no |ambiguous|read of)|^No symbol|^crash: ' "$tmp/$name.txt" || true)"
        [[ -z "$said" ]] || log "warning: '$cmd' wrote into $name.txt: $said"
    done <"$tmp/commands.tsv"

    cp "$work/session.log" "$tmp/.session.log"
    printf 'crash %s, %s s, vmlinux %s, dump %s\n' "$(chroot_pkg_version crash)" "$secs_taken" "$vmlinux" "$dump" >"$tmp/.stamp"
    rm -rf "$out"
    mv "$tmp" "$out"
    log "wrote $(wc -l <"$out/commands.tsv") references to $out"
}

main "$@"; exit
