#!/usr/bin/env bash
# Every guest-lab case (--join, issue 26; batch --discover, issue 27) in one guest boot, as .ci/run runs them:
# tests/guest/run-all.sh PATH-TO-NATIVE-esp-prov. docs/guest-lab.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/lab.sh" --esp-prov "$1" --world "$here/world-all.sh" "${@:2}" \
    "$here/join/open-provision.sh" "$here/join/wpa2-provision.sh" "$here/join/not-found.sh" \
    "$here/join/wrong-passphrase.sh" "$here/join/ctrl-c.sh" "$here/join/crash-restore.sh" "$here/join/doctor.sh" \
    "$here/discover/all-connected.sh" "$here/discover/resume-after-kill.sh"
