#!/usr/bin/env bash
# Runs case scripts against real NetworkManager, wpa_supplicant, hostapd and dnsmasq on emulated radios
# (mac80211_hwsim) in a throw-away QEMU guest that boots Debian's kernel over this machine's own root file system
# (read-only, with a tmpfs overlay: nothing the guest does reaches the host). docs/guest-lab.md describes it.
#
#   tests/guest/lab.sh --esp-prov PATH --world WORLD.sh [--keep DIR] CASE.sh...
#
# PATH is a native esp-prov (NativeAOT: a JIT start is slow under emulation); WORLD.sh sets LAB_RADIOS and defines
# lab_world (the networks and devices); each CASE.sh runs in the guest with tests/guest/lib.sh's helpers. Prints one
# line per case (PASS/FAIL, seconds) and the failing cases' logs; exits 0 when every case passed, 1 when one failed,
# 3 when the guest could not run (packages missing, no kernel, boot failed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
esp_prov="" world="" keep="" cases=()
while [ $# -gt 0 ]; do
    case "$1" in
        --esp-prov) esp_prov=$(realpath "$2"); shift 2 ;;
        --world) world=$(realpath "$2"); shift 2 ;;
        --keep) keep=$2; shift 2 ;;
        -*) echo "lab.sh: unknown option $1" >&2; exit 64 ;;
        *) cases+=("$(realpath "$1")"); shift ;;
    esac
done
[ -n "$esp_prov" ] && [ -n "$world" ] && [ ${#cases[@]} -gt 0 ] || { sed -n '6,11p' "$0" >&2; exit 64; }
cannot() { echo "guest lab cannot run: $*" >&2; exit 3; }
[ -x "$esp_prov" ] || cannot "no executable esp-prov at $esp_prov"
missing=()
for tool in qemu-system-x86_64 hostapd NetworkManager nmcli wpa_supplicant iw dnsmasq udevadm dbus-daemon modprobe ip; do
    command -v "$tool" > /dev/null || [ -x "/usr/sbin/$tool" ] || [ -x "/sbin/$tool" ] || missing+=("$tool")
done
[ -x /bin/busybox ] || missing+=(busybox)
[ ${#missing[@]} -eq 0 ] || cannot "missing ${missing[*]} (.ci/run installs them: docs/guest-lab.md)"
kernel=$(ls -v /boot/vmlinuz-* 2> /dev/null | tail -n 1) || true
[ -n "$kernel" ] || cannot "no /boot/vmlinuz-* (Debian package linux-image-amd64)"
kver=${kernel#/boot/vmlinuz-}
[ -e "/lib/modules/$kver/modules.dep" ] || cannot "no modules for $kver in /lib/modules"

# The initramfs depends only on the kernel and our init: built once per kernel and init, then reused.
cache=${XDG_CACHE_HOME:-$HOME/.cache}/espprov-guest
mkdir -p "$cache"
sum=$(cat "$here/init" "$here/initramfs.sh" | sha256sum | cut -c1-12)
initrd="$cache/initrd-$kver-$sum.gz"
[ -e "$initrd" ] || "$here/initramfs.sh" "$kver" "$initrd"

share=${keep:-$(mktemp -d)}
mkdir -p "$share" && rm -rf "${share:?}"/*
[ -n "$keep" ] || trap 'rm -rf "$share"' EXIT
{
    printf 'ESP_PROV=%q\nLAB_WORLD=%q\nLAB_CASES=%q\n' "$esp_prov" "$world" "${cases[*]}"
} > "$share/run.env"

start=$(date +%s)
# TCG (no nested KVM here); two vCPUs as two threads. The guest powers itself off; the timeout is the last resort.
set +e
timeout "${LAB_TIMEOUT:-900}" qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2 -m 2048 \
    -nographic -no-reboot -nic none -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 espprov.stage2=$here/stage2.sh" \
    -fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
    -device virtio-9p-pci,fsdev=root,mount_tag=hostroot \
    -fsdev local,id=lab,path="$share",security_model=none,multidevs=remap \
    -device virtio-9p-pci,fsdev=lab,mount_tag=lab > "$share/console.log" 2>&1 < /dev/null
qemu=$?
set -e
echo "guest: $(( $(date +%s) - start )) s in all (QEMU exit $qemu); boot, daemons and world ready after: $(grep -m1 'cases start' "$share/guest.log" 2> /dev/null | sed 's/^\[lab \([0-9.]*\)s\].*/\1 s/')"
failed=0
for case in "${cases[@]}"; do
    name=$(basename "$case" .sh)
    if [ ! -e "$share/results/$name.rc" ]; then
        echo "FAIL $name: did not run"
        failed=1
    elif [ "$(cat "$share/results/$name.rc")" = 0 ]; then
        echo "PASS $name ($(cat "$share/results/$name.seconds") s)"
    else
        echo "FAIL $name: exit $(cat "$share/results/$name.rc") ($(cat "$share/results/$name.seconds") s)"
        sed 's/^/    /' "$share/results/$name.log"
        failed=1
    fi
done
if [ ! -e "$share/guest.log" ] || ! grep -q '\] done$' "$share/guest.log"; then
    echo "guest did not finish; console and guest log:"
    tail -n 30 "$share/console.log" | sed 's/^/    console: /'
    [ -e "$share/guest.log" ] && tail -n 40 "$share/guest.log" | sed 's/^/    guest: /'
    [ "$failed" = 1 ] && ! ls "$share/results/"*.rc > /dev/null 2>&1 && exit 3
    failed=1
fi
exit "$failed"
