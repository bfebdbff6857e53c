# The world of the --join cases (issue 26): the computer's radio (wlan0, NetworkManager), the home network (wlan1)
# and two provisioning devices, each in its own namespace at 192.168.4.1 as real devices are: PROV_OPEN (an open
# soft AP, security 1) and PROV_WPA2 (a WPA2 soft AP, passphrase "prov-ap-pass", security 2). Their stations "join"
# the home network 4 s after apply, so a case can interrupt the status polling.
LAB_RADIOS=4
LAB_DEVICE_DELAY_MS=4000
# join_devices RADIO RADIO: the two devices (also used by tests/guest/world-all.sh).
join_devices() {
    lab_device dev-open "$1" PROV_OPEN "" --sec_ver 1 --pop abcd1234 --connect-delay "$LAB_DEVICE_DELAY_MS" || return 1
    lab_device dev-wpa2 "$2" PROV_WPA2 prov-ap-pass --sec_ver 2 --sec2_username wifiprov --sec2_pwd abcd1234 \
        --connect-delay "$LAB_DEVICE_DELAY_MS" || return 1
}
lab_world() { lab_home wlan1 && join_devices wlan2 wlan3; }
