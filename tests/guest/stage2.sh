#!/bin/bash
# Stage 2 of the guest: runs as PID 1 in the overlay of the host's root file system. Reads /lab/run.env (written by
# lab.sh), brings up udev, the system bus, the emulated radios and NetworkManager on the computer's radio (wlan0),
# builds the world (the world script's lab_world: the home network, the devices), then runs each case script and
# leaves NAME.rc, NAME.log and NAME.seconds in /lab/results. Powers off at the end, whatever happened.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
mkdir -p /lab/results
exec > /lab/guest.log 2>&1
# The daemons' logs (/run/lab) go to /lab/daemons for a failing run's post-mortem; then power off, whatever happened.
poweroff_now() { cp -r /run/lab /lab/daemons 2> /dev/null; sync; echo o > /proc/sysrq-trigger; sleep 10; }
trap poweroff_now EXIT
# shellcheck source=/dev/null
. /lab/run.env
here=$(dirname "$0")
# shellcheck source=lib.sh
. "$here/lib.sh"

mount -t tmpfs -o mode=0755 run /run
mkdir -p /dev/pts /dev/shm /run/lab && mount -t devpts devpts /dev/pts && mount -t tmpfs shm /dev/shm
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
hostname guest
ip link set lo up
lab_mark "stage 2 (kernel $(uname -r))"

# NetworkManager manages only devices udev has initialised, so udev runs before the radios appear.
/lib/systemd/systemd-udevd --daemon
# shellcheck source=/dev/null
. "$LAB_WORLD"
modprobe mac80211_hwsim radios="${LAB_RADIOS:-3}" || { echo "no mac80211_hwsim"; exit 1; }
udevadm trigger --action=add --subsystem-match=net --subsystem-match=ieee80211 --subsystem-match=rfkill && udevadm settle -t 30
mkdir -p /run/dbus && dbus-daemon --system --fork
lab_mark "udev, radios ($LAB_RADIOS), system bus"

# NetworkManager starts while the world's access points come up; it joins the home network (a saved profile that
# connects automatically) as soon as it sees it.
lab_nm_start wlan0
lab_mark "NetworkManager up"
lab_world || { echo "the world did not come up"; exit 1; }
lab_mark "world up"
lab_home_connect || { echo "the home network was not joined"; nmcli dev; exit 1; }
lab_mark "home network joined"
lab_all_listed 120 || { echo "NetworkManager did not list every access point"; nmcli dev wifi list; exit 1; }
lab_mark "every access point listed; cases start"

for case in $LAB_CASES; do
    name=$(basename "$case" .sh)
    lab_home_connect || echo "home network not joined before $name"
    start=$(date +%s.%N)
    # A subshell keeps lib.sh's helpers and run.env's values; a case ends with exit or its last command's status.
    ( set -u; cd /run/lab && . "$case" ) > "/lab/results/$name.log" 2>&1
    rc=$?
    echo "$(date +%s.%N) $start" | awk '{ printf "%.1f\n", $1 - $2 }' > "/lab/results/$name.seconds"
    echo "$rc" > "/lab/results/$name.rc"
    lab_mark "case $name: exit $rc"
done
lab_mark "done"
