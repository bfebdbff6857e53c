# esp-prov killed (-9) while joined: the note it left lets --restore-wifi give the home network back.
# It is killed while polling status, which the device's 4 s connect delay holds open (the steps between "Joined" and
# polling take milliseconds, too short a window to hit). PROV_WPA2: the ctrl-c case left PROV_OPEN applied and never
# read as connected, so it refuses another apply (as firmware does) until it is power-cycled.
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
printf 'prov-ap-pass\n' > /run/lab/ap-pass
"$ESP_PROV" --join PROV_WPA2 --join-passphrase-file /run/lab/ap-pass --sec_ver 2 --sec2_username wifiprov \
    --sec2_pwd abcd1234 --ssid "$LAB_HOME_SSID" --passphrase "$LAB_HOME_PASSPHRASE" > "$LAB_OUT" 2>&1 &
pid=$!
lab_wait_line 90 "$LAB_OUT" "==== Wi-Fi connection state" || { cat "$LAB_OUT"; lab_fail "never reached status polling"; }
kill -KILL "$pid"; wait "$pid"
cat "$LAB_OUT"
[ -e "$HOME/.local/state/esp-prov/join-restore.json" ] || lab_fail "no restore note after kill -9"
lab_expect_exit 0 "$ESP_PROV" --restore-wifi -v || exit 1
lab_saw "Restored: wlan0 is back on '$LAB_HOME_SSID'" || exit 1
join_left_nothing
