# Checks every --join case ends with (sourced by the cases): the computer is back on its home network with its
# address, NetworkManager holds no profile of the join (on disk or in memory), and no restore note is left.
join_left_nothing() {
    lab_home_ok || { nmcli dev; lab_fail "the home network is not back on $LAB_IFACE"; }
    if nmcli -t -f NAME con show | grep -q '^esp-prov '; then
        nmcli con show; lab_fail "a profile of the join is still in NetworkManager"
    fi
    if lab_profiles_on_disk | grep -v -e "^$LAB_HOME_SSID.nmconnection\$" -e '^/' -e '^$' | grep -q .; then
        lab_profiles_on_disk; lab_fail "a profile other than the home network's is on disk"
    fi
    [ ! -e "$HOME/.local/state/esp-prov/join-restore.json" ] || lab_fail "the restore note is still there"
    echo "home network back, no profile or note left"
}
