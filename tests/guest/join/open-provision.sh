# Join an open soft AP, provision the device over it (security 1) with the home network's credentials, give wlan0
# back to the home network.
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
lab_expect_exit 0 "$ESP_PROV" --join PROV_OPEN --join-passphrase ignored-for-open --sec_ver 1 --pop abcd1234 \
    --ssid "$LAB_HOME_SSID" --passphrase "$LAB_HOME_PASSPHRASE" -v || exit 1
lab_saw "Joined 'PROV_OPEN' on wlan0 (192.168.4." || exit 1
lab_saw "NetworkManager: AddAndActivateConnection2 'PROV_OPEN' on wlan0 (open" || exit 1
lab_saw "==== Provisioning was successful ====" || exit 1
lab_saw "Wi-Fi restored: wlan0 is back on '$LAB_HOME_SSID' (10.0.3." || exit 1
join_left_nothing
