# esp-prov killed (-9) while joined: the note it left lets --restore-wifi give the home network back.
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
"$ESP_PROV" --join PROV_OPEN --sec_ver 1 --pop abcd1234 --ssid "$LAB_HOME_SSID" --passphrase "$LAB_HOME_PASSPHRASE" > "$LAB_OUT" 2>&1 &
pid=$!
lab_wait_line 90 "$LAB_OUT" "Joined 'PROV_OPEN'" || { cat "$LAB_OUT"; lab_fail "did not join"; }
kill -KILL "$pid"; wait "$pid"
cat "$LAB_OUT"
[ -e "$HOME/.local/state/esp-prov/join-restore.json" ] || lab_fail "no restore note after kill -9"
lab_expect_exit 0 "$ESP_PROV" --restore-wifi -v || exit 1
lab_saw "Restored: wlan0 is back on '$LAB_HOME_SSID'" || exit 1
join_left_nothing
