# The world of the batch --discover cases (issue 27): the computer's radio (wlan0, NetworkManager), the home network
# (wlan1) and three provisioning devices, each in its own namespace at 192.168.4.1 as real devices are: PROV_DISC_A
# (open soft AP, security 1), PROV_DISC_B (WPA2 soft AP, passphrase "prov-ap-pass", security 2) and PROV_DISC_C (open,
# security 1). Their stations "join" the home network 4 s after apply, so a case can kill esp-prov while it polls.
LAB_RADIOS=5
LAB_DEVICE_DELAY_MS=4000
# discover_devices RADIO RADIO RADIO: the three devices (also used by tests/guest/world-all.sh).
discover_devices() {
    lab_device disc-a "$1" PROV_DISC_A "" --sec_ver 1 --pop abcd1234 --connect-delay "$LAB_DEVICE_DELAY_MS" || return 1
    lab_device disc-b "$2" PROV_DISC_B prov-ap-pass --sec_ver 2 --sec2_username wifiprov --sec2_pwd abcd1234 \
        --connect-delay "$LAB_DEVICE_DELAY_MS" || return 1
    lab_device disc-c "$3" PROV_DISC_C "" --sec_ver 1 --pop abcd1234 --connect-delay "$LAB_DEVICE_DELAY_MS" || return 1
}
lab_world() { lab_home wlan1 && discover_devices wlan2 wlan3 wlan4; }
