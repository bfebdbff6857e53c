# No such network: exit 2 after the scan timeout, one line; the home network was never left.
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
lab_expect_exit 2 "$ESP_PROV" --join PROV_ABSENT --scan_timeout 6 --pop abcd1234 --ssid x --passphrase yyyyyyyy || exit 1
lab_saw "esp-prov: no Wi-Fi network named 'PROV_ABSENT' in range" || exit 1
join_left_nothing
