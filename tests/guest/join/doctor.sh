# doctor --join: the checks run through the joined soft AP, then the home network is restored.
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
lab_expect_exit 0 "$ESP_PROV" doctor --join PROV_OPEN --sec_ver 1 --pop abcd1234 || exit 1
lab_saw "join: joined 'PROV_OPEN' on wlan0" || exit 1
lab_saw "session:" || exit 1
lab_saw "restore: wlan0 is back on '$LAB_HOME_SSID'" || exit 1
lab_saw "provisioning should work" || exit 1
join_left_nothing
