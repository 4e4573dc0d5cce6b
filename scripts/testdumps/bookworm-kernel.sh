#!/bin/bash
# Fetch Debian bookworm's 6.1 cloud kernel into $CACHE/kernels/6.1 (layout: testdumps/LAYOUT.md)
# and install the matching headers on the host (for building the 6.1 modules with gcc-12).
# Prints nothing on stdout; idempotent (kernels/6.1/.stamp names the packages it was made from).
#
# Pinned: ABI 6.1.0-54, version 6.1.190-1. If that has left the mirror, the newest
# linux-image-6.1.0-*-cloud-amd64-unsigned that also has -dbg and headers is taken and a
# "# note:" line goes to manifest.txt.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PIN_ABI=6.1.0-54
PIN_VERSION=6.1.190-1
K=6.1
KDIR="$CACHE/kernels/$K"

have_version() { # PKG VERSION: the mirror offers exactly this version
    apt-cache madison "$1" 2>/dev/null | awk -v v="$2" '$3 == v { found = 1 } END { exit !found }'
}
candidate() { # PKG: the version apt would install, empty if none
    apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { if ($2 != "(none)") print $2 }'
}

choose_kernel() {
    local abi=$PIN_ABI ver=$PIN_VERSION
    if have_version "linux-image-$abi-cloud-amd64-unsigned" "$ver" &&
        have_version "linux-image-$abi-cloud-amd64-dbg" "$ver" &&
        have_version "linux-headers-$abi-cloud-amd64" "$ver"; then
        echo "$abi $ver"
        return
    fi
    log "6.1: pinned $PIN_ABI ($PIN_VERSION) is not on the mirror; looking for the newest cloud kernel"
    local n best_abi="" best_ver="" v
    for n in $(apt-cache pkgnames linux-image-6.1.0- | sed -n 's/^linux-image-6\.1\.0-\([0-9]*\)-cloud-amd64-unsigned$/\1/p' | sort -n); do
        abi="6.1.0-$n"
        v=$(candidate "linux-image-$abi-cloud-amd64-unsigned")
        [[ -n "$v" ]] || continue
        have_version "linux-image-$abi-cloud-amd64-dbg" "$v" || continue
        have_version "linux-headers-$abi-cloud-amd64" "$v" || continue
        best_abi=$abi best_ver=$v
    done
    [[ -n "$best_abi" ]] || die "6.1 kernel: no linux-image-6.1.0-*-cloud-amd64-unsigned with -dbg and headers on the mirror"
    manifest_note "6.1 kernel: pinned linux-image-$PIN_ABI-cloud-amd64-unsigned $PIN_VERSION is gone from the mirror; using $best_abi $best_ver"
    echo "$best_abi $best_ver"
}

main() {
    local abi ver rel
    read -r abi ver < <(choose_kernel)
    rel="$abi-cloud-amd64"
    local img="linux-image-$rel-unsigned" dbg="linux-image-$rel-dbg" hdr="linux-headers-$rel"
    local stamp="$img $ver"

    if [[ -f "$KDIR/.stamp" && "$(cat "$KDIR/.stamp")" == "$stamp" && -f "$KDIR/vmlinux" && -f "$KDIR/vmlinuz" ]]; then
        log "6.1: kernel $rel ($ver) already in $KDIR"
    else
        log "6.1: fetching $img, $dbg $ver"
        mkdir -p "$CACHE/downloads"
        (cd "$CACHE/downloads" && for p in "$img" "$dbg" "$hdr"; do
            [[ -f "${p}_${ver}_amd64.deb" ]] || apt-get download "$p=$ver" >&2 || die "6.1: apt-get download $p=$ver failed"
        done)
        rm -rf "$KDIR" "$KDIR.tmp"
        mkdir -p "$KDIR.tmp/img" "$KDIR.tmp/dbg"
        log "6.1: extracting (the -dbg package is ~1.7 GB unpacked)"
        dpkg -x "$CACHE/downloads/${img}_${ver}_amd64.deb" "$KDIR.tmp/img"
        dpkg -x "$CACHE/downloads/${dbg}_${ver}_amd64.deb" "$KDIR.tmp/dbg"
        local t=$KDIR.tmp
        [[ -f "$t/img/boot/vmlinuz-$rel" ]] || die "6.1: $img has no boot/vmlinuz-$rel"
        [[ -f "$t/dbg/usr/lib/debug/boot/vmlinux-$rel" ]] || die "6.1: $dbg has no usr/lib/debug/boot/vmlinux-$rel"
        mv "$t/img/boot/vmlinuz-$rel" "$t/vmlinuz"
        mv "$t/img/boot/config-$rel" "$t/config"
        mv "$t/img/boot/System.map-$rel" "$t/System.map"
        mv "$t/img/lib/modules/$rel" "$t/modules"
        rm -rf "$t/img"
        ln "$t/dbg/usr/lib/debug/boot/vmlinux-$rel" "$t/vmlinux" 2>/dev/null ||
            cp "$t/dbg/usr/lib/debug/boot/vmlinux-$rel" "$t/vmlinux"
        echo "$rel" >"$t/release"
        echo "$stamp" >"$t/.stamp"
        mv "$t" "$KDIR"
    fi
    manifest_add "$img" "$ver"
    manifest_add "$dbg" "$ver"

    # Headers on the host, for building the 6.1 modules with the host's gcc-12.
    need_pkgs "$hdr" make gcc-12
    local p
    for p in "$hdr" "linux-headers-$abi-common" linux-kbuild-6.1 gcc-12; do
        manifest_add "$p" "$(dpkg-query -W -f='${Version}' "$p")"
    done
}

main "$@"
