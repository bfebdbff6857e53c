# batch --discover: the Wi-Fi scan finds the three devices (open and WPA2), the one interface joins each in turn and
# each is provisioned with the home network; wlan0 is back on the home network at the end; batch report lists them.
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
lab_expect_exit 0 discover_batch /run/lab/all.db --discover-timeout 8 || exit 1
lab_saw "Found PROV_DISC_A (" || exit 1
lab_saw "Found PROV_DISC_B (" || exit 1
lab_saw ", WPA2)" || exit 1
lab_saw "==== Batch: 3 devices" || exit 1
lab_saw "3 connected (0 already in the journal), 0 failed, 0 unknown" || exit 1
lab_saw "Wi-Fi restored: wlan0 is back on '$LAB_HOME_SSID'" || exit 1
[ "$(grep -c "Wi-Fi restored" "$LAB_OUT")" = 1 ] || lab_fail "the home network was restored more than once (one interface, restored at the end)"
! grep -qF -e prov-ap-pass -e "$LAB_HOME_PASSPHRASE" "$LAB_OUT" || lab_fail "a passphrase was printed"
join_left_nothing || exit 1
discover_report_lists /run/lab/all.db
