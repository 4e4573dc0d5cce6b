#!/bin/busybox sh
# /init of the test guests (busybox-static initramfs, built by scripts/testdumps/mkinitrd.sh).
# Loads the helper modules listed in /helpers.list (pvpanic + qemu_fw_cfg and their deps),
# checks that fw_cfg offers etc/vmcoreinfo (the kernel writes VMCOREINFO there for QEMU's
# -device vmcoreinfo), then loads /case/<module>.ko and, for case bug, writes to /proc/oops_bug.
# Any failure prints "TESTDUMPS-FAIL: <reason>" and powers off; run-case.py reports that line.
/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

fail() {
    echo "TESTDUMPS-FAIL: $*"
    sleep 1
    poweroff -f
}

. /case/case.conf
echo "testdumps: guest up, $(uname -r), case $CASE, module $MODULE"

while read -r ko; do
    [ -n "$ko" ] || continue
    insmod "/helpers/$ko" || fail "insmod $ko failed"
done < /helpers.list

[ -e /sys/firmware/qemu_fw_cfg/by_name/etc/vmcoreinfo ] ||
    fail "no /sys/firmware/qemu_fw_cfg/by_name/etc/vmcoreinfo (qemu_fw_cfg or -device vmcoreinfo missing)"
echo "testdumps: fw_cfg etc/vmcoreinfo present"
if [ -n "$(ls /sys/bus/platform/drivers/pvpanic-mmio 2>/dev/null | grep -v -e bind -e uevent)" ]; then
    echo "testdumps: pvpanic bound"
else
    echo "testdumps: pvpanic not bound (run-case.py falls back to the console)"
fi

echo "testdumps: loading $MODULE"
insmod "/case/$MODULE.ko"
case "$ACTION" in
    insmod) ;;
    proc-write)
        echo "testdumps: writing 1 to /proc/$MODULE"
        echo 1 > "/proc/$MODULE"
        ;;
esac
# Case timer crashes from a softirq a jiffy later; the others should already be dead.
sleep 30
fail "case $CASE did not crash"
