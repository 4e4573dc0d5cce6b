#!/usr/bin/env bash
# The Debian 13 (trixie) side of the test-dump generator.
#
#   trixie.sh ensure                      debootstrap $CACHE/chroot/trixie (gcc-14, make, the pinned
#                                         6.12 cloud-amd64 headers, kmod, crash 8.0.6); stamp-guarded
#   trixie.sh kernel                      fetch the pinned 6.12 cloud kernel (image, -dbg, headers)
#                                         into $CACHE/kernels/6.12/{release,vmlinuz,vmlinux,modules/,dbg/}
#   trixie.sh build-modules SRC_DIR OUT_DIR
#                                         copy SRC_DIR to a build dir inside the chroot, run
#                                         `make -C /usr/src/linux-headers-<rel> M=<dir>`, copy the .ko files to OUT_DIR
#   trixie.sh run [--bind PATH]... -- CMD...
#                                         run CMD in the chroot, each PATH bind-mounted at the same path
#   trixie.sh release                     print the 6.12 release (uname -r) the chroot builds for
#
# Everything lives under $CACHE; nothing is written into the repository. Progress goes to stderr.
# Chroot mounts are made inside a private mount namespace (unshare -m) and also unmounted by a
# trap, so nothing leaks onto the host even if the script is killed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG_TAG="${LOG_TAG:-trixie}"
# shellcheck source=lib.sh
[[ -f "$HERE/lib.sh" ]] && source "$HERE/lib.sh"

# Fallbacks while lib.sh is missing or older (lib.sh is owned by scripts/make-testdumps).
: "${CACHE:=${VMCORE_TESTDUMPS:-$HOME/.cache/vmcore-testdumps}}"
declare -f log >/dev/null || log() { printf '[%s %s] %s\n' "$LOG_TAG" "$(date +%H:%M:%S)" "$*" >&2; }
declare -f die >/dev/null || die() { log "ERROR: $*"; exit 1; }
declare -f need_pkgs >/dev/null || need_pkgs() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return 0
    log "installing host packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 || {
        apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
    } || die "apt-get install ${missing[*]} failed"
}
declare -f manifest_add >/dev/null || manifest_add() {
    local line="$1 $2"
    touch "$CACHE/manifest.txt"
    grep -qxF "$line" "$CACHE/manifest.txt" || printf '%s\n' "$line" >>"$CACHE/manifest.txt"
}
declare -f manifest_note >/dev/null || manifest_note() {
    local line="# note: $*"
    touch "$CACHE/manifest.txt"
    grep -qxF "$line" "$CACHE/manifest.txt" || printf '%s\n' "$line" >>"$CACHE/manifest.txt"
}
mkdir -p "$CACHE"

MIRROR="${TRIXIE_MIRROR:-http://deb.debian.org/debian}"
CHROOT="$CACHE/chroot/trixie"
STAMP="$CHROOT/.vmcore-testdumps-ready"
KDIR="$CACHE/kernels/6.12"
DOWNLOADS="$CACHE/downloads"

# The 6.12 cloud kernel found in trixie on 2026-11-26. If it has left the mirror, the newest
# 6.12 cloud kernel there is used instead and a "# note:" line goes to manifest.txt.
PIN_ABI="6.12.117+deb13"          # release = ${PIN_ABI}-cloud-amd64
PIN_VERSION="6.12.117-1"          # Debian package version of linux-image-${PIN_ABI}-cloud-amd64-unsigned

# Packages the chroot needs besides the kernel headers. makedumpfile 1.7.6 is there for 6.12 dumps:
# bookworm's 1.7.2 takes 6.12 slab pages for free ones and drops them with -d 31 (crash then stops
# at "page excluded ... xa_node shift"); it also has zstd, which bookworm's lacks.
CHROOT_PKGS=(gcc-14 make libc6-dev bc kmod crash makedumpfile binutils coreutils ca-certificates)

# ---------------------------------------------------------------------------------------------
# Running commands inside the chroot

# chroot_run [--bind PATH]... [--cwd DIR] -- CMD... : run CMD inside the chroot with /proc, /dev
# (and /dev/pts, /sys) mounted and each PATH (file or directory) bind-mounted at the same path.
chroot_run() {
    local binds=() cwd=/
    while (($#)); do
        case "$1" in
            --bind) binds+=("$(realpath -e "$2")"); shift 2 ;;
            --cwd) cwd="$2"; shift 2 ;;
            --) shift; break ;;
            *) break ;;
        esac
    done
    [[ -x "$CHROOT/usr/bin/env" ]] || die "no chroot at $CHROOT (run: trixie.sh ensure)"
    # A private mount namespace: every mount below disappears with it. The trap unmounts too.
    unshare --mount --propagation private -- bash -euo pipefail -c '
        root="$1" cwd="$2"; nb="$3"; shift 3
        binds=("${@:1:$nb}"); shift "$nb"
        mounted=()
        cleanup() {
            local i
            for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
                umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
            done
        }
        trap cleanup EXIT
        trap "exit 130" INT TERM
        mnt() { local t="${@: -1}"; mount "$@"; mounted+=("$t"); }
        mnt -t proc proc "$root/proc"
        mnt --bind /dev "$root/dev"
        mkdir -p "$root/dev/pts" 2>/dev/null || true
        mnt -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts" 2>/dev/null || true
        mnt -t sysfs sysfs "$root/sys" 2>/dev/null || true
        for b in "${binds[@]}"; do
            if [[ -d "$b" ]]; then mkdir -p "$root$b"
            else mkdir -p "$(dirname "$root$b")"; [[ -e "$root$b" ]] || : >"$root$b"; fi
            mnt --bind "$b" "$root$b"
        done
        cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
        env -i HOME=/root TERM=dumb LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            DEBIAN_FRONTEND=noninteractive INITRD=No chroot "$root" /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
    ' chroot_run "$CHROOT" "$cwd" "${#binds[@]}" "${binds[@]}" "$@"
}

# chroot_apt ARGS... : apt-get inside the chroot, quietly, with retries for a flaky mirror.
chroot_apt() {
    local try
    for try in 1 2 3; do
        if chroot_run -- apt-get -y -q -o Dpkg::Use-Pty=0 --no-install-recommends "$@" >&2; then return 0; fi
        log "apt-get $1 failed in the chroot (try $try/3)"
        sleep 5
    done
    return 1
}

chroot_pkg_version() { chroot_run -- dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }

# ---------------------------------------------------------------------------------------------
# Which 6.12 kernel: the pin, or the newest 6.12 cloud kernel in the mirror

# resolve_kernel : sets K_ABI (e.g. 6.12.57+deb13), K_REL (uname -r) and K_VERSION (package version)
resolve_kernel() {
    local pkg="linux-image-${PIN_ABI}-cloud-amd64-unsigned" v newest
    v="$(chroot_run -- apt-cache madison "$pkg" 2>/dev/null | awk -F' *[|] *' -v want="$PIN_VERSION" '$2 == want {print $2; exit}')"
    if [[ -n "$v" ]]; then
        K_ABI="$PIN_ABI" K_VERSION="$PIN_VERSION"
    else
        # The newest linux-image-6.12.*-cloud-amd64-unsigned the chroot's apt knows about.
        newest="$(chroot_run -- apt-cache search --names-only '^linux-image-6[.]12[.].*-cloud-amd64-unsigned$' 2>/dev/null \
            | awk '{print $1}' | while read -r p; do
                chroot_run -- apt-cache madison "$p" | awk -F' *[|] *' -v p="$p" '{print $2, p}'
            done | sort -V | tail -n1)"
        [[ -n "$newest" ]] || die "no linux-image-6.12.*-cloud-amd64-unsigned in $MIRROR trixie"
        K_VERSION="${newest%% *}"
        pkg="${newest#* }"
        K_ABI="${pkg#linux-image-}"; K_ABI="${K_ABI%-cloud-amd64-unsigned}"
        log "pinned kernel ${PIN_ABI} ${PIN_VERSION} is gone from the mirror; using ${K_ABI} ${K_VERSION}"
        manifest_note "linux-image-${PIN_ABI}-cloud-amd64-unsigned ${PIN_VERSION} (pinned in scripts/testdumps/trixie.sh) has left the mirror; used linux-image-${K_ABI}-cloud-amd64-unsigned ${K_VERSION} instead"
    fi
    K_REL="${K_ABI}-cloud-amd64"
}

# ---------------------------------------------------------------------------------------------
# ensure

# chroot_ready : the stamp exists and names the current package list
chroot_ready() { [[ -f "$STAMP" ]] && grep -qxF "packages: ${CHROOT_PKGS[*]}" "$STAMP"; }

cmd_ensure() {
    if chroot_ready; then
        log "chroot ready: $CHROOT ($(head -n1 "$STAMP"))"
        return 0
    fi
    # One builder at a time (make-testdumps may prepare the chroot in the background).
    mkdir -p "$CACHE/chroot"
    exec 8>"$CACHE/chroot/.trixie.lock"
    flock 8
    if chroot_ready; then
        exec 8>&-
        log "chroot ready: $CHROOT ($(head -n1 "$STAMP"))"
        return 0
    fi
    need_pkgs debootstrap debian-archive-keyring util-linux
    local t0=$SECONDS
    if [[ ! -x "$CHROOT/usr/bin/apt-get" || ! -f "$CHROOT/.debootstrap-done" ]]; then
        # Bookworm's debootstrap (1.0.128+) ships a trixie script; older ones need the symlink.
        local scripts=/usr/share/debootstrap/scripts
        if [[ ! -e "$scripts/trixie" ]]; then
            log "debootstrap lacks a trixie script; linking it to sid"
            ln -s sid "$scripts/trixie"
        fi
        rm -rf "$CHROOT"
        mkdir -p "$CHROOT"
        log "debootstrap trixie (minbase) into $CHROOT from $MIRROR"
        debootstrap --variant=minbase --arch=amd64 --include=ca-certificates \
            trixie "$CHROOT" "$MIRROR" >"$CACHE/chroot/debootstrap-trixie.log" 2>&1 \
            || { tail -n 30 "$CACHE/chroot/debootstrap-trixie.log" >&2; die "debootstrap failed (log: $CACHE/chroot/debootstrap-trixie.log)"; }
        log "debootstrap done in $((SECONDS - t0)) s"
        # Keep the chroot's apt small and quiet: no docs, no recommends.
        printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$CHROOT/etc/apt/apt.conf.d/90vmcore-testdumps"
        printf 'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\n' \
            >"$CHROOT/etc/dpkg/dpkg.cfg.d/90vmcore-testdumps"
        printf '#!/bin/sh\nexit 101\n' >"$CHROOT/usr/sbin/policy-rc.d"; chmod +x "$CHROOT/usr/sbin/policy-rc.d"
        printf 'deb %s trixie main\n' "$MIRROR" >"$CHROOT/etc/apt/sources.list"
        touch "$CHROOT/.debootstrap-done"
    fi
    log "apt-get update in the chroot"
    chroot_apt update
    resolve_kernel
    log "installing ${CHROOT_PKGS[*]} linux-headers-${K_REL} in the chroot"
    chroot_apt install "${CHROOT_PKGS[@]}" "linux-headers-${K_REL}=${K_VERSION}"
    chroot_run -- apt-get clean >&2
    [[ -d "$CHROOT/usr/src/linux-headers-${K_REL}" ]] || die "headers missing: $CHROOT/usr/src/linux-headers-${K_REL}"
    chroot_run -- crash --version </dev/null >/dev/null 2>&1 || die "crash does not run in the chroot"
    record_tool_versions
    printf 'trixie %s, headers %s, crash %s, gcc-14 %s, built %s\npackages: %s\n' "$(cat "$CHROOT/etc/debian_version")" \
        "$K_REL" "$(chroot_pkg_version crash)" "$(chroot_pkg_version gcc-14)" "$(date -u +%FT%TZ)" "${CHROOT_PKGS[*]}" >"$STAMP"
    exec 8>&-
    log "chroot ready in $((SECONDS - t0)) s: $(head -n1 "$STAMP")"
}

record_tool_versions() {
    local p
    for p in crash makedumpfile gcc-14 make binutils "linux-headers-$(chroot_release)"; do
        manifest_add "$p" "$(chroot_pkg_version "$p")"
    done
}

# chroot_release : the 6.12 cloud release whose headers the chroot has (the newest if several)
chroot_release() {
    local d rel=""
    for d in "$CHROOT"/usr/src/linux-headers-6.12.*-cloud-amd64; do
        [[ -d "$d" ]] && rel="$(printf '%s\n%s\n' "$rel" "${d##*/linux-headers-}" | sed '/^$/d' | sort -V | tail -n1)"
    done
    [[ -n "$rel" ]] || die "no 6.12 cloud-amd64 headers in $CHROOT/usr/src"
    printf '%s\n' "$rel"
}

# ---------------------------------------------------------------------------------------------
# kernel

cmd_kernel() {
    cmd_ensure
    need_pkgs xz-utils
    if [[ -f "$KDIR/.complete" ]]; then
        log "kernel ready: $KDIR ($(cat "$KDIR/release"))"
        return 0
    fi
    mkdir -p "$(dirname "$KDIR")"
    exec 7>"$KDIR.lock"
    flock 7
    if [[ -f "$KDIR/.complete" ]]; then
        exec 7>&-
        log "kernel ready: $KDIR ($(cat "$KDIR/release"))"
        return 0
    fi
    local t0=$SECONDS
    chroot_apt update
    resolve_kernel
    local img="linux-image-${K_REL}-unsigned" dbg="linux-image-${K_REL}-dbg" hdr="linux-headers-${K_REL}"
    mkdir -p "$DOWNLOADS"
    # apt-get download runs inside the chroot, in a directory bind-mounted from $CACHE/downloads.
    local p deb
    for p in "$img" "$dbg" "$hdr"; do
        deb="$(ls "$DOWNLOADS/${p}_${K_VERSION}_"*.deb 2>/dev/null | head -n1 || true)"
        if [[ -z "$deb" ]]; then
            log "downloading $p $K_VERSION"
            # Into a temporary directory first, so an interrupted download never looks complete.
            rm -rf "$DOWNLOADS/.partial-trixie"
            mkdir -p "$DOWNLOADS/.partial-trixie"
            chroot_run --bind "$DOWNLOADS/.partial-trixie" --cwd "$DOWNLOADS/.partial-trixie" -- \
                apt-get download -q -o Dpkg::Use-Pty=0 -o APT::Sandbox::User=root "$p=$K_VERSION" >&2 \
                || die "apt-get download $p=$K_VERSION failed"
            mv "$DOWNLOADS/.partial-trixie/"*.deb "$DOWNLOADS/"
            rmdir "$DOWNLOADS/.partial-trixie"
        fi
        manifest_add "$p" "$K_VERSION"
    done
    local debimg debdbg
    debimg="$(ls "$DOWNLOADS/${img}_${K_VERSION}_"*.deb | head -n1)"
    debdbg="$(ls "$DOWNLOADS/${dbg}_${K_VERSION}_"*.deb | head -n1)"

    local tmp="$KDIR.tmp.$$"
    rm -rf "$tmp" "$KDIR".tmp.*
    mkdir -p "$tmp/x" "$tmp/dbg"
    log "extracting $img"
    dpkg-deb -x "$debimg" "$tmp/x"
    local moddir
    for moddir in "$tmp/x/lib/modules/$K_REL" "$tmp/x/usr/lib/modules/$K_REL"; do
        [[ -d "$moddir" ]] && break
    done
    [[ -d "$moddir" ]] || die "no lib/modules/$K_REL in $debimg"
    mv "$moddir" "$tmp/modules"
    mv "$tmp/x/boot/vmlinuz-$K_REL" "$tmp/vmlinuz"
    # Like kernels/6.1: System.map and config beside the image.
    [[ -f "$tmp/x/boot/System.map-$K_REL" ]] && mv "$tmp/x/boot/System.map-$K_REL" "$tmp/System.map"
    [[ -f "$tmp/x/boot/config-$K_REL" ]] && mv "$tmp/x/boot/config-$K_REL" "$tmp/config"
    # Trixie ships its modules xz-compressed; the guest wants a plain qemu_fw_cfg.ko (kept beside the .xz).
    local ko
    while IFS= read -r -d '' ko; do
        xz -dc "$ko" >"${ko%.xz}"
    done < <(find "$tmp/modules" -name 'qemu_fw_cfg.ko.xz' -print0)
    rm -rf "$tmp/x"
    log "extracting $dbg ($(du -h "$debdbg" | cut -f1))"
    dpkg-deb -x "$debdbg" "$tmp/dbg"
    local vml="$tmp/dbg/usr/lib/debug/boot/vmlinux-$K_REL"
    [[ -f "$vml" ]] || vml="$(find "$tmp/dbg" -name "vmlinux-$K_REL" -type f | head -n1)"
    [[ -f "$vml" ]] || die "no vmlinux-$K_REL in $debdbg"
    ln "$vml" "$tmp/vmlinux" 2>/dev/null || cp "$vml" "$tmp/vmlinux"
    # The image's System.map is a one-line placeholder; the real one is in the -dbg package.
    local smap="$tmp/dbg/usr/lib/debug/boot/System.map-$K_REL"
    if [[ -f "$smap" ]]; then
        rm -f "$tmp/System.map"
        ln "$smap" "$tmp/System.map" 2>/dev/null || cp "$smap" "$tmp/System.map"
    fi
    printf '%s\n' "$K_REL" >"$tmp/release"
    touch "$tmp/.complete"
    rm -rf "$KDIR"
    mkdir -p "$(dirname "$KDIR")"
    mv "$tmp" "$KDIR"
    if [[ "$(chroot_release)" != "$K_REL" ]]; then
        log "chroot headers are $(chroot_release); installing $hdr $K_VERSION"
        chroot_apt install "$hdr=$K_VERSION"
    fi
    record_tool_versions
    exec 7>&-
    log "kernel $K_REL ready in $KDIR in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------------------------------------
# build-modules

cmd_build_modules() {
    (($# == 2)) || die "usage: trixie.sh build-modules SRC_DIR OUT_DIR"
    local src out rel
    src="$(realpath -e "$1")" || die "no such directory: $1"
    [[ -d "$src" ]] || die "not a directory: $src"
    mkdir -p "$2"
    out="$(realpath -e "$2")"
    cmd_ensure
    if [[ -f "$KDIR/release" ]]; then rel="$(cat "$KDIR/release")"; else rel="$(chroot_release)"; fi
    [[ -d "$CHROOT/usr/src/linux-headers-$rel" ]] || die "no headers for $rel in the chroot (run: trixie.sh kernel)"
    # The build dir lives inside the chroot (under $CACHE), keyed by the source path; rebuilt from
    # a fresh copy of the sources every time, so the repository never sees build products.
    local key bdir
    key="$(printf '%s' "$src" | sha1sum | cut -c1-12)"
    bdir="/build/modules-$key"
    rm -rf "${CHROOT:?}$bdir"
    mkdir -p "$CHROOT$bdir"
    cp -a "$src/." "$CHROOT$bdir/"
    log "building modules from $src for $rel (in chroot $bdir)"
    local t0=$SECONDS
    chroot_run -- make -C "/usr/src/linux-headers-$rel" M="$bdir" -j"$(nproc)" modules >"$CHROOT$bdir.log" 2>&1 \
        || { tail -n 40 "$CHROOT$bdir.log" >&2; die "module build failed (log: $CHROOT$bdir.log)"; }
    local kos=() ko
    mapfile -t kos < <(cd "$CHROOT$bdir" && find . -name '*.ko' -type f | sort)
    ((${#kos[@]})) || die "the build produced no .ko files (log: $CHROOT$bdir.log)"
    for ko in "${kos[@]}"; do
        cp -f "$CHROOT$bdir/$ko" "$out/"
        log "built ${ko#./} (vermagic $(modinfo_field "$CHROOT$bdir/$ko" vermagic))"
    done
    log "built ${#kos[@]} module(s) into $out in $((SECONDS - t0)) s"
}

# modinfo_field KO FIELD : read a .modinfo field without needing kmod on the host
modinfo_field() {
    objcopy -O binary --only-section=.modinfo "$1" /dev/stdout 2>/dev/null | tr '\0' '\n' | sed -n "s/^$2=//p" | head -n1
}

# ---------------------------------------------------------------------------------------------

main() {
    local cmd="${1:-}"
    shift || true
    case "$cmd" in
        ensure) cmd_ensure "$@" ;;
        kernel) cmd_kernel "$@" ;;
        build-modules) cmd_build_modules "$@" ;;
        release) chroot_ready || cmd_ensure; chroot_release ;;
        run) chroot_ready || cmd_ensure; chroot_run "$@" ;;
        *) die "usage: trixie.sh ensure | kernel | build-modules SRC_DIR OUT_DIR | release | run [--bind PATH]... -- CMD..." ;;
    esac
}

# Only run main when executed, so crash-refs.sh can source this file for chroot_run.
# (exit in the same compound command: bash never reads past it, even if the file is edited meanwhile)
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    main "$@"
    exit
fi
