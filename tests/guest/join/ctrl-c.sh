# Ctrl+C (SIGINT) while polling the device's status: the home network is restored, then exit 130.
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
# Job control: a background job of a script otherwise starts with SIGINT ignored, as if Ctrl+C could not reach it.
set -m
"$ESP_PROV" --join PROV_OPEN --sec_ver 1 --pop abcd1234 --ssid "$LAB_HOME_SSID" --passphrase "$LAB_HOME_PASSPHRASE" > "$LAB_OUT" 2>&1 &
pid=$!
lab_wait_line 90 "$LAB_OUT" "==== Wi-Fi connection state" || { cat "$LAB_OUT"; lab_fail "never reached status polling"; }
kill -INT "$pid"
wait "$pid"; rc=$?
cat "$LAB_OUT"
[ "$rc" = 130 ] || lab_fail "exit $rc, expected 130"
lab_saw "Wi-Fi restored: wlan0 is back on '$LAB_HOME_SSID'" || exit 1
join_left_nothing
