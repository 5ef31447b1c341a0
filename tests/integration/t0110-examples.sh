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

# log-tail cron job: the rows since the last run, each once, into the sink
mkdir -p "$T_TMP/senselog"
cp "$FIXTURES/logfiles/Proxy_System.txt" "$FIXTURES/logfiles/Scheduler_System.txt" "$T_TMP/senselog/"
lt_cron() {
	SENSEOPS_LOGS=$T_TMP/senselog SENSEOPS_CONFIG=/nonexistent SENSEOPS_STATE=$T_TMP/lt.state \
		SENSEOPS_SINK="to-influx --dry-run" "$EX/log-tail-cron.sh" 2>"$T_TMP/ltcron.err"
}
lt_cron >"$T_TMP/lp1"
is "$?" 0 "log-tail cron example: exit 0"
is "$(grep -c '^log_event,' "$T_TMP/lp1")" 20 "log-tail cron example: 20 rows, 20 log_event points"
lt_cron >"$T_TMP/lp2"
is "$(grep -c . "$T_TMP/lp2")" 0 "log-tail cron example: nothing new, nothing written"
tail -1 "$FIXTURES/logfiles/Proxy_System.txt" | sed 's/^88110\t/88111\t/' >>"$T_TMP/senselog/Proxy_System.txt"
lt_cron >"$T_TMP/lp3"
is "$(grep -c '^log_event,' "$T_TMP/lp3")" 1 "log-tail cron example: a row appended, one point"
! SENSEOPS_LOGS=$T_TMP/senselog SENSEOPS_CONFIG=/nonexistent SENSEOPS_STATE=/nonexistent/dir/state \
	SENSEOPS_SINK="to-influx --dry-run" "$EX/log-tail-cron.sh" >/dev/null 2>"$T_TMP/ltcron.err"
ok $? "log-tail cron example: a failure is its exit status"
like "$(cat "$T_TMP/ltcron.err")" 'log-tail failed with status' "log-tail cron example: and says so"

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

# the event pipeline: udp-listen into to-influx and to-mqtt, each with a spool
if command -v influxd >/dev/null && command -v mosquitto >/dev/null && [ -r "$FIXTURES/log-events.txt" ]; then
	start_influxdb
	start_mosquitto
	LP=$(free_port)
	UP=$(free_port)
	cat >"$T_TMP/sos.yaml" <<YAML
Butler-SOS:
  logEvents:
    tags: [{name: qs_env, value: example}]
    sendToMQTT: {enable: true, baseTopic: qliksense/logevent, postTo: {baseTopic: true, subsystemTopics: false}}
  userEvents:
    sendToMQTT: {enable: true}
  influxdbConfig: {host: 127.0.0.1, port: $INFLUXDB_PORT, version: 1, v1Config: {dbName: events, retentionPolicy: {name: 10d, duration: INF}}}
  mqttConfig: {enable: true, brokerHost: 127.0.0.1, brokerPort: $MOSQUITTO_PORT}
YAML
	mosquitto_sub -h 127.0.0.1 -p "$MOSQUITTO_PORT" -t 'qliksense/#' -q 1 -F '%t' >"$T_TMP/ex.sub" 2>/dev/null &
	T_PIDS+=("$!")
	sleep 0.5
	SENSEOPS_CONFIG=$T_TMP/sos.yaml SENSEOPS_SPOOL=$T_TMP/spool setsid "$EX/events-to-influx-and-mqtt.sh" \
		--log-listen "127.0.0.1:$LP" --user-listen "127.0.0.1:$UP" >"$T_TMP/ex.out" 2>"$T_TMP/ex.err" &
	EXP=$!
	T_PIDS+=("$EXP")
	for _ in $(seq 100); do t_listening | grep -qx "$UP" && break; sleep 0.05; done
	"$TOP/tests/udpsend" "$LP" "$FIXTURES/log-events.txt" >/dev/null
	"$TOP/tests/udpsend" "$UP" "$FIXTURES/user-events.txt" >/dev/null
	for _ in $(seq 100); do [ "$(grep -c . "$T_TMP/ex.sub")" -ge 29 ] && break; sleep 0.1; done
	kill -TERM "$EXP"
	t_wait_gone "$EXP" 15
	ok $? "event pipeline: stops on SIGTERM, sinks included"
	like "$(influx_query events 'SELECT count("message") FROM "log_event"')" '"values":\[\["[^"]*",14\]\]' \
		"event pipeline: InfluxDB holds all 14 log events"
	is "$(grep -c '^qliksense/logevent$' "$T_TMP/ex.sub")" 14 "event pipeline: every log event published"
	is "$(grep -c '^qliksense/userevent$' "$T_TMP/ex.sub")" 8 "event pipeline: every user event published"
	ok "$(pgrep -f "spool $T_TMP/spool" | wc -l)" "event pipeline: no process left behind"
fi

done_testing
