# Helpers for the guest's world and case scripts (sourced by stage2.sh; case scripts get them too).
# Everything a daemon writes goes under /run/lab (the guest's tmpfs) and is copied to /lab/daemons at the end.
# The computer's radio is wlan0 and belongs to NetworkManager; other radios go into network namespaces.

LAB_HOME_SSID=${LAB_HOME_SSID:-HomeNet}
LAB_HOME_PASSPHRASE=${LAB_HOME_PASSPHRASE:-home-secret-1}
export LAB_HOME_SSID LAB_HOME_PASSPHRASE

# Timestamped progress line in the guest log (guest.log on the host).
lab_mark() { echo "[lab $(cut -d' ' -f1 /proc/uptime)s] $*"; }

# Polls "$@" every 0.5 s (each nmcli costs under emulation) until it succeeds; fails after $1 seconds.
lab_wait() {
    local seconds=$1; shift
    local end=$(( $(date +%s) + seconds ))
    until "$@" > /dev/null 2>&1; do
        [ "$(date +%s)" -lt "$end" ] || return 1
        sleep 0.5
    done
}

# The phy (radio) a wlan interface belongs to.
lab_phy() { basename "$(readlink "/sys/class/net/$1/phy80211")"; }

# lab_ap NS IFACE SSID PASSPHRASE ADDRESS/PREFIX DHCP_FROM DHCP_TO: an access point in its own network namespace:
# the radio of IFACE moved into NS, hostapd (open when PASSPHRASE is empty, else WPA2-PSK), the address, dnsmasq.
lab_ap() {
    local ns=$1 iface=$2 ssid=$3 pass=$4 addr=$5 from=$6 to=$7 dir=/run/lab/$1
    mkdir -p "$dir"
    ip netns add "$ns"
    iw phy "$(lab_phy "$iface")" set netns name "$ns"
    ip -n "$ns" link set lo up
    {
        echo "interface=$iface"; echo "driver=nl80211"; echo "ssid=$ssid"; echo "hw_mode=g"; echo "channel=6"
        echo "ctrl_interface=$dir/hostapd"
        if [ -n "$pass" ]; then
            echo "wpa=2"; echo "wpa_key_mgmt=WPA-PSK"; echo "rsn_pairwise=CCMP"; echo "wpa_passphrase=$pass"
        fi
    } > "$dir/hostapd.conf"
    ip netns exec "$ns" hostapd -B -P "$dir/hostapd.pid" -f "$dir/hostapd.log" "$dir/hostapd.conf" || return 1
    echo "$ssid" >> /run/lab/ssids
    ip -n "$ns" addr add "$addr" dev "$iface"
    ip -n "$ns" link set "$iface" up
    ip netns exec "$ns" dnsmasq --interface="$iface" --bind-interfaces --port=0 --dhcp-range="$from,$to,1h" \
        --dhcp-leasefile="$dir/leases" --pid-file="$dir/dnsmasq.pid" --log-facility="$dir/dnsmasq.log" --log-dhcp || return 1
}

# lab_home IFACE: the computer's home network (WPA2, 10.0.3.0/24), the one every case starts and must end on.
lab_home() { lab_ap home "$1" "$LAB_HOME_SSID" "$LAB_HOME_PASSPHRASE" 10.0.3.1/24 10.0.3.10 10.0.3.50; }

# lab_device NS IFACE SSID PASSPHRASE [simulate options...]: a provisioning device: its soft AP (as lab_ap) at
# 192.168.4.1/24, as the firmware's, and the simulator listening on 192.168.4.1:80 in that namespace. Every device
# knows the home network (so provisioning it with the home credentials succeeds) and re-arms after each flow.
lab_device() {
    local ns=$1 iface=$2 ssid=$3 pass=$4; shift 4
    lab_ap "$ns" "$iface" "$ssid" "$pass" 192.168.4.1/24 192.168.4.2 192.168.4.20 || return 1
    ip netns exec "$ns" "$ESP_PROV" simulate --listen 192.168.4.1:80 --rearm \
        --network "$LAB_HOME_SSID:$LAB_HOME_PASSPHRASE" "$@" > "/run/lab/$ns/simulator.log" 2>&1 &
    echo $! > "/run/lab/$ns/simulator.pid"
    lab_wait 60 grep -q "listening on" "/run/lab/$ns/simulator.log" || { cat "/run/lab/$ns/simulator.log"; return 1; }
}

# lab_nm_start IFACE: wpa_supplicant (D-Bus service) and NetworkManager managing IFACE only, keyfile profiles, with
# the home network as the one saved profile (it connects automatically, as a computer's home network does).
lab_nm_start() {
    local iface=$1
    mkdir -p /etc/NetworkManager/conf.d /var/lib/NetworkManager /etc/NetworkManager/system-connections
    rm -f /etc/NetworkManager/system-connections/*
    cat > "/etc/NetworkManager/system-connections/$LAB_HOME_SSID.nmconnection" <<PROFILE
[connection]
id=$LAB_HOME_SSID
uuid=5b2f7c1e-0000-4000-8000-0000000000aa
type=wifi
interface-name=$iface
autoconnect=true
[wifi]
ssid=$LAB_HOME_SSID
mode=infrastructure
[wifi-security]
key-mgmt=wpa-psk
psk=$LAB_HOME_PASSPHRASE
[ipv4]
method=auto
[ipv6]
method=ignore
PROFILE
    chmod 600 /etc/NetworkManager/system-connections/*
    cat > /etc/NetworkManager/conf.d/99-lab.conf <<CONF
[main]
plugins=keyfile
dhcp=internal
[keyfile]
unmanaged-devices=except:interface-name:$iface
[logging]
level=INFO
CONF
    wpa_supplicant -u -B -P /run/lab/wpa_supplicant.pid -f /run/lab/wpa_supplicant.log || return 1
    NetworkManager --no-daemon > /run/lab/NetworkManager.log 2>&1 &
    lab_wait 60 nmcli -t general status || return 1
    nmcli dev set "$iface" managed yes
    LAB_IFACE=$iface
    export LAB_IFACE
}

# lab_nm_state IFACE STATE: NetworkManager reports IFACE in STATE (connected, disconnected, ...).
lab_nm_state() { [ "$(nmcli -g GENERAL.STATE dev show "$1" | cut -d'(' -f2 | tr -d ')')" = "$2" ]; }

# lab_home_connect: the computer's radio on the home network: waits for the automatic connection, else brings it up.
lab_home_connect() {
    lab_wait 30 lab_home_ok && return 0
    nmcli -w 60 con up "$LAB_HOME_SSID" ifname "$LAB_IFACE" && lab_wait 30 lab_home_ok
}

# lab_profiles_on_disk: the profiles NetworkManager has written to disk (only the home network's is expected).
lab_profiles_on_disk() { ls /etc/NetworkManager/system-connections/ /run/NetworkManager/system-connections/ 2> /dev/null; }

# lab_all_listed: NetworkManager's scan list has every access point of the world (rescanning every 10 s), so cases
# start as on a computer that has been near the devices for a while. Cases that need a scan use SSIDs not in the world.
lab_all_listed() {
    local end=$(( $(date +%s) + ${1:-120} )) ssid missing
    while :; do
        missing=""
        for ssid in $(cat /run/lab/ssids); do lab_ssid_listed "$ssid" || missing="$missing $ssid"; done
        [ -z "$missing" ] && return 0
        [ "$(date +%s)" -lt "$end" ] || { echo "not listed:$missing"; return 1; }
        nmcli dev wifi rescan ifname "$LAB_IFACE" 2> /dev/null
        lab_wait 10 false
    done
}

# lab_ssid_listed SSID: NetworkManager's scan list has SSID.
lab_ssid_listed() { nmcli -t -f SSID dev wifi list ifname "$LAB_IFACE" --rescan no | grep -qx "$1"; }

# lab_home_ok: the computer's radio is on the home profile, connected, with a 10.0.3.x address.
lab_home_ok() {
    [ "$(nmcli -g GENERAL.CONNECTION dev show "$LAB_IFACE")" = "$LAB_HOME_SSID" ] \
        && lab_nm_state "$LAB_IFACE" connected \
        && ip -4 -o addr show dev "$LAB_IFACE" | grep -q ' inet 10\.0\.3\.'
}

# lab_expect_exit CODE COMMAND...: runs COMMAND, its output into the case log and into $LAB_OUT (for lab_saw), and
# fails unless it exits CODE.
LAB_OUT=/run/lab/last.out
lab_expect_exit() {
    local want=$1; shift
    echo "+ $*"
    "$@" > "$LAB_OUT" 2>&1
    local got=$?
    cat "$LAB_OUT"
    [ "$got" = "$want" ] || { echo "FAIL: exit $got, expected $want"; return 1; }
}

# lab_saw TEXT: the last command's output has TEXT (a fixed string).
lab_saw() { grep -qF -- "$1" "$LAB_OUT" || { echo "FAIL: no line with: $1"; return 1; }; }

# lab_wait_line SECONDS FILE TEXT: waits until FILE has TEXT (output of a command running in the background).
lab_wait_line() { lab_wait "$1" grep -qF -- "$3" "$2"; }

# lab_fail MESSAGE: ends a case with a failure line.
lab_fail() { echo "FAIL: $*"; exit 1; }
