#!/usr/bin/env bash
# The batch --discover cases (issue 27) in the guest lab, one guest boot for all: tests/guest/run-discover.sh
# PATH-TO-NATIVE-esp-prov. docs/guest-lab.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/lab.sh" --esp-prov "$1" --world "$here/discover/world.sh" "${@:2}" \
    "$here/discover/all-connected.sh" "$here/discover/resume-after-kill.sh"
