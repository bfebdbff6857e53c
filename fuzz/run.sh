#!/usr/bin/env bash
# Fuzzes with AFL++ through SharpFuzz. Usage:
#   fuzz/run.sh client [afl-fuzz options, e.g. -E 1000000 (executions) or -V 60 (seconds)]
#   fuzz/run.sh device [...]   (the simulator: protocomm core, the HTTP server of Hosting/ and the BLE front-end's GATT value logic, in-process)
# Installs what it needs (afl++ from Debian, the sharpfuzz tool from NuGet), publishes and instruments the harness,
# then runs afl-fuzz in the foreground. Findings go to fuzz/.findings/<target>/default/{crashes,hangs}.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-client}"
shift || true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v afl-fuzz >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++) >/dev/null
  else
    echo "afl-fuzz not found: install the Debian package afl++" >&2
    exit 2
  fi
fi
if [ ! -x fuzz/.tools/sharpfuzz ]; then
  dotnet tool install --tool-path fuzz/.tools SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

case "$target" in
  client) project=fuzz/EspProv.Fuzz; dll=EspProv.Fuzz.dll; instrument=(EspProv.dll) ;;
  device) project=fuzz/EspProv.Fuzz.Device; dll=EspProv.Fuzz.Device.dll; instrument=(EspProv.Device.dll EspProv.dll) ;;
  *) echo "unknown target '$target' (client, device)" >&2; exit 64 ;;
esac

out="fuzz/.out/$target"
rm -rf "$out"
dotnet publish "$project" -c Release -o "$out" >/dev/null
for assembly in "${instrument[@]}"; do
  fuzz/.tools/sharpfuzz "$out/$assembly" >/dev/null
done

findings="fuzz/.findings/$target"
mkdir -p "$findings"
export AFL_AUTORESUME=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1
# -t: per-input timeout in ms (the HTTP target waits up to 2 s on a stalled answer); -m none: .NET needs its memory.
exec afl-fuzz -i "fuzz/corpus/$target" -o "$findings" -t 5000 -m none "$@" -- dotnet "$out/$dll" "$target"
