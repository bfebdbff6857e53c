# The --join world and the batch --discover world side by side, so CI boots one guest for both sets of cases: the
# computer's radio (wlan0), the home network (wlan1), PROV_OPEN and PROV_WPA2 (wlan2, wlan3), PROV_DISC_A/B/C
# (wlan4–6). The discover cases look for the prefix PROV_DISC, so they never meet the --join cases' devices.
here_world=$(dirname "${BASH_SOURCE[0]}")
. "$here_world/join/world.sh"
. "$here_world/discover/world.sh"
LAB_RADIOS=7
lab_world() { lab_home wlan1 && join_devices wlan2 wlan3 && discover_devices wlan4 wlan5 wlan6; }
