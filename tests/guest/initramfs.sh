#!/usr/bin/env bash
# Builds the guest's initramfs for kernel version $1 into file $2: busybox, the modules needed to mount the host's
# root over virtio-9p with an overlay (each insmod'ed in dependency order by ./init), and ./init itself.
set -euo pipefail
kver=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,modules,proc,sys,dev}
cp /bin/busybox "$work/bin/busybox"
cp "$here/init" "$work/init" && chmod 755 "$work/init"
# Each module depends on the ones before it (modules.dep of Debian's kernel). Module names use '_' where files may use '-'.
modules="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p overlay"
: > "$work/modules.list"
for m in $modules; do
    # A module built into this kernel has no file (modules.builtin lists it).
    file=$(find "/lib/modules/$kver/kernel" \( -name "$m.ko*" -o -name "${m//_/-}.ko*" \) | head -n 1)
    case "$file" in
        ("") grep -q "/$m.ko\$" "/lib/modules/$kver/modules.builtin" || { echo "no module $m for $kver" >&2; exit 1; }; continue ;;
        (*.ko.xz) xz -dc "$file" > "$work/modules/$m.ko" ;;
        (*.ko.zst) zstd -qdc "$file" > "$work/modules/$m.ko" ;;
        (*.ko.gz) gzip -dc "$file" > "$work/modules/$m.ko" ;;
        (*) cp "$file" "$work/modules/$m.ko" ;;
    esac
    echo "$m" >> "$work/modules.list"
done
(cd "$work" && find . -mindepth 1 | "$work/bin/busybox" cpio -o -H newc 2> /dev/null) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
