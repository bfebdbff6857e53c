# The WPA2 soft AP refuses the passphrase: exit 2 with its own line, the home network restored.
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
ESP_PROV_JOIN_PASSPHRASE=not-the-ap-pass lab_expect_exit 2 "$ESP_PROV" --join PROV_WPA2 --sec_ver 2 --sec2_pwd abcd1234 \
    --ssid "$LAB_HOME_SSID" --passphrase "$LAB_HOME_PASSPHRASE" || exit 1
lab_saw "refused the passphrase" || exit 1
lab_saw "Wi-Fi restored: wlan0 is back on '$LAB_HOME_SSID'" || exit 1
! grep -qF not-the-ap-pass "$LAB_OUT" || lab_fail "the passphrase was printed"
join_left_nothing
