# batch --discover killed (-9) while the second device polls its status: killed as soon as that device logged the apply
# ("Wi-Fi: connecting"), inside its 4 s connect delay (the steps around it take milliseconds, too short a window to
# hit). The rerun restores wlan0 from the note, skips the device the journal has as connected, asks the interrupted
# one for its status only (it applied already) and provisions the third.
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
applies() { grep -c "Wi-Fi: connecting to" "/run/lab/$1/simulator.log"; }
total_applies() { echo $(( $(applies disc-a) + $(applies disc-b) + $(applies disc-c) )); }
before=$(total_applies)
# esp-prov itself in the background (not a function: its subshell would be what gets killed).
"$ESP_PROV" "${DISCOVER[@]}" --journal /run/lab/resume.db --max 3 > /run/lab/killed.out 2>&1 &
pid=$!
# Polled every 50 ms (not lab_wait's 0.5 s): the kill must land inside the second device's connect delay.
end=$(( $(date +%s) + 150 ))
until [ "$(total_applies)" -ge $(( before + 2 )) ]; do
    [ "$(date +%s)" -lt "$end" ] || { cat /run/lab/killed.out; lab_fail "never reached the second device's apply"; }
    sleep 0.05
done
kill -KILL "$pid"; wait "$pid"
cat /run/lab/killed.out
[ "$(grep -c ': connected' /run/lab/killed.out)" = 1 ] || lab_fail "expected exactly the first device connected before the kill"
second=$(grep ': applying' /run/lab/killed.out | sed -n 2p | cut -d@ -f1)
[ -n "$second" ] || lab_fail "no second device in applying when killed"
[ -e "$HOME/.local/state/esp-prov/join-restore.json" ] || lab_fail "no restore note after kill -9"
lab_expect_exit 0 discover_batch /run/lab/resume.db --max 3 || exit 1
lab_saw "A previous --join run did not end; restoring its Wi-Fi interface first" || exit 1
lab_saw "[from the journal]" || exit 1
lab_saw "3 connected (1 already in the journal), 0 failed, 0 unknown" || exit 1
[ "$(grep -c "Wi-Fi restored" "$LAB_OUT")" = 2 ] || lab_fail "expected the note's restore and the end's"
[ "$(total_applies)" = $(( before + 3 )) ] || lab_fail "expected three applies in all (the interrupted device's not sent again), got $(( $(total_applies) - before ))"
join_left_nothing || exit 1
discover_report_lists /run/lab/resume.db
