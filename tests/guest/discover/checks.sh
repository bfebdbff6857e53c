# Checks of the batch --discover cases (sourced by the cases): the --join checks (home network back, no profile or
# note left) and the batch run's command line.
. "$(dirname "${BASH_SOURCE[0]}")/../join/checks.sh"

# The batch --discover PROV_DISC_ flags: the home network's credentials, the WPA2 devices' soft-AP passphrase from a
# file, security 1 and 2 secrets. discover_batch JOURNAL [more flags] runs it.
printf 'prov-ap-pass\n' > /run/lab/ap-pass
DISCOVER=(batch --discover PROV_DISC_ --ssid "$LAB_HOME_SSID" --passphrase "$LAB_HOME_PASSPHRASE" --join-passphrase-file /run/lab/ap-pass
    --pop abcd1234 --sec2_username wifiprov --sec2_pwd abcd1234)
discover_batch() {
    local journal=$1; shift
    "$ESP_PROV" "${DISCOVER[@]}" --journal "$journal" "$@"
}

# discover_report_lists JOURNAL: batch report has each of the three devices, by name and BSSID, as connected.
discover_report_lists() {
    lab_expect_exit 0 "$ESP_PROV" batch report --journal "$1" --csv || return 1
    local name
    for name in PROV_DISC_A PROV_DISC_B PROV_DISC_C; do
        grep -E "^$name@([0-9A-F]{2}:){5}[0-9A-F]{2},connected," "$LAB_OUT" > /dev/null || { echo "FAIL: $name is not listed as connected"; return 1; }
    done
}
