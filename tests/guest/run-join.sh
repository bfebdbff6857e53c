#!/usr/bin/env bash
# The --join cases (issue 26) in the guest lab: tests/guest/run-join.sh PATH-TO-NATIVE-esp-prov. docs/guest-lab.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/lab.sh" --esp-prov "$1" --world "$here/join/world.sh" "${@:2}" \
    "$here/join/open-provision.sh" "$here/join/wpa2-provision.sh" "$here/join/not-found.sh" \
    "$here/join/wrong-passphrase.sh" "$here/join/ctrl-c.sh" "$here/join/crash-restore.sh" "$here/join/doctor.sh"
