# batch --discover killed (-9) while the second device polls its status: killed once that device logged the apply
# ("Wi-Fi: connecting"), inside its 4 s connect delay (the steps around it take milliseconds, too short a window to
# hit). The rerun restores wlan0 from the note, skips the device the journal has as connected, asks the interrupted
# one for its status only (it applied already) and provisions the third.
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
applies() { grep -c "Wi-Fi: connecting to" "/run/lab/$1/simulator.log"; }
before_a=$(applies disc-a) before_b=$(applies disc-b) before_c=$(applies disc-c)
discover_batch /run/lab/resume.db --max 3 > /run/lab/killed.out 2>&1 &
pid=$!
second_applying() { [ "$(grep -c ': applying' /run/lab/killed.out)" -ge 2 ]; }
lab_wait 150 second_applying || { cat /run/lab/killed.out; lab_fail "never reached the second device's apply"; }
second=$(grep ': applying' /run/lab/killed.out | sed -n 2p | cut -d@ -f1)
case "$second" in
    PROV_DISC_A) ns=disc-a before=$before_a ;;
    PROV_DISC_B) ns=disc-b before=$before_b ;;
    *) ns=disc-c before=$before_c ;;
esac
applied() { [ "$(applies "$ns")" -gt "$before" ]; }
lab_wait 30 applied || { cat /run/lab/killed.out; lab_fail "$second never received the apply"; }
kill -KILL "$pid"; wait "$pid"
cat /run/lab/killed.out
[ "$(grep -c ': connected' /run/lab/killed.out)" = 1 ] || lab_fail "expected exactly the first device connected before the kill"
[ -e "$HOME/.local/state/esp-prov/join-restore.json" ] || lab_fail "no restore note after kill -9"
lab_expect_exit 0 discover_batch /run/lab/resume.db --max 3 || exit 1
lab_saw "A previous --join run did not end; restoring its Wi-Fi interface first" || exit 1
lab_saw "[from the journal]" || exit 1
lab_saw "3 connected (1 already in the journal), 0 failed, 0 unknown" || exit 1
[ "$(grep -c "Wi-Fi restored" "$LAB_OUT")" = 2 ] || lab_fail "expected the note's restore and the end's"
[ "$(applies "$ns")" = $(( before + 1 )) ] || lab_fail "$second was sent the apply again after the kill"
join_left_nothing || exit 1
discover_report_lists /run/lab/resume.db
