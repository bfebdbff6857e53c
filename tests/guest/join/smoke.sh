# Temporary: the lab itself works (home joined, both devices answer over nmcli).
set -x
nmcli dev
nmcli dev wifi list ifname "$LAB_IFACE"
lab_home_ok || lab_fail "home"
ip netns exec dev-open curl -s -m 5 -X POST http://192.168.4.1/proto-ver -d x || true
