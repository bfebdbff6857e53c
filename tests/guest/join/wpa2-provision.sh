# Join a WPA2 soft AP with the passphrase from a file, provision (security 2); while joined, the join's profile is
# in memory only; the passphrases never appear in the output, even with -v.
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
printf 'prov-ap-pass\n' > /run/lab/ap-pass
"$ESP_PROV" --join PROV_WPA2 --join-passphrase-file /run/lab/ap-pass --sec_ver 2 --sec2_username wifiprov --sec2_pwd abcd1234 \
    --ssid "$LAB_HOME_SSID" --passphrase "$LAB_HOME_PASSPHRASE" -v > "$LAB_OUT" 2>&1 &
pid=$!
lab_wait_line 60 "$LAB_OUT" "Joined 'PROV_WPA2'" || { cat "$LAB_OUT"; lab_fail "did not join"; }
nmcli -t -f NAME,FILENAME con show --active
if grep -rlF "prov-ap-pass" /etc/NetworkManager/ /var/lib/NetworkManager/ 2> /dev/null; then
    lab_fail "the soft AP's passphrase was written to disk"
fi
wait "$pid"; rc=$?
cat "$LAB_OUT"
[ "$rc" = 0 ] || lab_fail "exit $rc, expected 0"
lab_saw "(wpa-psk" || exit 1
lab_saw "==== Provisioning was successful ====" || exit 1
lab_saw "Wi-Fi restored: wlan0 is back on '$LAB_HOME_SSID'" || exit 1
! grep -qF -e prov-ap-pass -e "$LAB_HOME_PASSPHRASE" "$LAB_OUT" || lab_fail "a passphrase was printed"
join_left_nothing
