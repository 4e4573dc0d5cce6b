#!/bin/bash
# mkinitrd.sh KERNEL_DIR CASE MODULE_KO OUT.cpio.gz
# Build the guest initramfs for one case: busybox-static, /init (guest-init.sh), the helper
# modules pvpanic, pvpanic-mmio, qemu_fw_cfg (+ their dependencies, decompressed if the
# kernel ships .ko.xz/.ko.zst) from KERNEL_DIR/modules, and the case's module.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

kdir=$1 case=$2 ko=$3 out=$4
here=$(dirname "${BASH_SOURCE[0]}")
mod=$(basename "$ko" .ko)
action=insmod
[[ "$case" == bug ]] && action=proc-write

root=$(mktemp -d /tmp/initrd.XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/helpers" "$root/case"
cp /bin/busybox "$root/bin/busybox"
cp "$here/guest-init.sh" "$root/init"
chmod 755 "$root/init"
cp "$ko" "$root/case/$mod.ko"
printf 'CASE=%s\nMODULE=%s\nACTION=%s\n' "$case" "$mod" "$action" >"$root/case/case.conf"

# find_ko NAME: path of module NAME (.ko, .ko.xz or .ko.zst) under KERNEL_DIR/modules
find_ko() {
    local n=$1 alt=${1//_/-} f
    f=$(find "$kdir/modules/kernel" \( -name "$n.ko*" -o -name "$alt.ko*" \) -print -quit)
    [[ -n "$f" ]] || die "initrd: kernel module $n not found under $kdir/modules"
    echo "$f"
}

# add_ko NAME: copy module NAME (deps first) into /helpers, decompressed; list it in helpers.list
declare -A added=()
add_ko() {
    local n=$1 f dst deps d
    [[ -n "${added[$n]:-}" ]] && return 0
    added[$n]=1
    f=$(find_ko "$n")
    dst="$root/helpers/$(basename "${f%%.ko*}").ko"
    case "$f" in
        *.ko.xz) xz -dc "$f" >"$dst" ;;
        *.ko.zst) zstd -qdc "$f" >"$dst" ;;
        *.ko.gz) gzip -dc "$f" >"$dst" ;;
        *) cp "$f" "$dst" ;;
    esac
    deps=$(/sbin/modinfo -F depends "$dst")
    for d in ${deps//,/ }; do add_ko "$d"; done
    basename "$dst" >>"$root/helpers.list"
}
: >"$root/helpers.list"
for n in pvpanic pvpanic_mmio qemu_fw_cfg; do add_ko "$n"; done

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --owner 0:0) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
