#!/usr/bin/env bash
# t0110-examples: the example pipelines under examples/pipelines work as shown.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
EX=$TOP/examples/pipelines
export PATH="$BIN:$TOOLS:$PATH"

# cron job: appends records; a missing watched process gives 69 and a message
SENSEOPS_OUT=$T_TMP/host.ndjson SENSEOPS_CONFIG=/nonexistent SENSEOPS_WATCH=bash \
	"$EX/sysinfo-cron.sh" 2>"$T_TMP/cron.err"
is "$?" 0 "cron example: exit 0 when the watched process runs"
record-lint --summary "$T_TMP/host.ndjson" >"$T_TMP/sum"
ok $? "cron example: records are valid"
like "$(cat "$T_TMP/sum")" '^host 1$' "cron example: one host record appended"
first=$(head -1 "$T_TMP/host.ndjson")
n1=$(grep -c . "$T_TMP/host.ndjson")
SENSEOPS_OUT=$T_TMP/host.ndjson SENSEOPS_CONFIG=/nonexistent SENSEOPS_WATCH=no-such-daemon \
	"$EX/sysinfo-cron.sh" 2>"$T_TMP/cron.err"
is "$?" 69 "cron example: 69 when a watched process is gone"
like "$(cat "$T_TMP/cron.err")" 'not running' "cron example: says so"
is "$(grep -c . "$T_TMP/host.ndjson")" "$((n1 + 2))" "cron example: host and error records appended"
is "$(head -1 "$T_TMP/host.ndjson")" "$first" "cron example: earlier records kept"

# s6 run script: readiness on fd 3, stops on SIGTERM
mkfifo "$T_TMP/notify"
exec 8<>"$T_TMP/notify"	# read-write: opening never blocks
start_bg s6-run env SENSEOPS_INTERVAL=1 "$EX/s6/sysinfo/run" 3>"$T_TMP/notify"
read -r -t 10 _ <&8
ok $? "s6 example: readiness on notification-fd $(cat "$EX/s6/sysinfo/notification-fd")"
exec 8<&-
kill "$BG_PID"
t_wait_gone "$BG_PID" 5
ok $? "s6 example: stops on SIGTERM"
like "$(cat "$T_TMP/s6-run.log")" '"kind":"host"' "s6 example: host records on stdout"

# runit run script
start_bg runit-run env SENSEOPS_INTERVAL=1 "$EX/runit/sysinfo/run"
for _ in $(seq 100); do grep -q '"kind":"host"' "$T_TMP/runit-run.log" 2>/dev/null && break; sleep 0.05; done
like "$(cat "$T_TMP/runit-run.log")" '"kind":"host"' "runit example: host records"
kill "$BG_PID"
t_wait_gone "$BG_PID" 5
ok $? "runit example: stops on SIGTERM"

done_testing
