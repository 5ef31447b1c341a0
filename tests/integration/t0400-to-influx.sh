#!/usr/bin/env bash
# t0400-to-influx: to-influx end to end: the fixtures through the whole
# pipeline against Butler SOS's golden line protocol for InfluxDB 1.x, 2.x
# and 3.x; real writes into InfluxDB 1.x and VictoriaMetrics read back
# exactly; outages, kill -9 and restarts without loss or duplicates; bad
# input, wrong credentials, wrong host and configuration errors.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

TI=$BIN/to-influx
CFG=$FIXTURES/expected/butler-sos-config-used.yaml
GC=$SHARED/tools/golden-compare
[ -r "$CFG" ] || skip_all "no fixtures at $FIXTURES"
need perl python3 curl influxd victoria-metrics

# --- the fixtures through the pipeline, against the golden files --------------
fixture_stream "$T_TMP/fixtures.ndjson"
ok $? "fixture stream: udp-listen, sense-sim --respond and sense-poll"
# What Butler SOS's process and error tracker contributed to the golden run,
# as sysinfo and sense-poll write the same facts.
cat >>"$T_TMP/fixtures.ndjson" <<'EXTRA'
{"kind":"process","ts":"2024-03-12T09:00:00.000Z","tags":{"host":"sos1","process":"udp-listen","butler_sos_instance":"DEV"},"pid":4242,"name":"udp-listen","rss_bytes":126615552,"rss_peak_bytes":130000000,"threads":1,"cpu_user_seconds":1.5,"cpu_system_seconds":0.5,"cpu_seconds":2}
{"kind":"error","ts":"2024-03-12T09:00:00.000Z","tags":{"host":"qliksense2.corp.example.com","server_name":"sense2","server_description":"Rim node"},"tool":"sense-poll","error_type":"HEALTH_API","message":"Failed to connect to qliksense2.corp.example.com port 4747: Connection refused","endpoint":"https://qliksense2.corp.example.com:4747/engine/healthcheck","server":"sense2","server_host":"qliksense2.corp.example.com:4747","error_category":"connection_refused","error_code":"ECONNREFUSED","request_url":"https://qliksense2.corp.example.com:4747/engine/healthcheck","request_timeout_ms":5000,"remote_address":"10.20.30.41","remote_port":4747,"syscall":"connect"}
EXTRA
"$TOOLS/record-lint" "$T_TMP/fixtures.ndjson" >/dev/null 2>"$T_TMP/lint.err"
ok $? "every fixture record valid"

# The deliberate differences (DIFFERENCES FROM BUTLER SOS in udp-listen(1)
# and to-influx(1)), each a golden point the candidate lacks or has with
# other field values:
#  - the drop rule drops (engine row 1461),
#  - a ';' in a message does not shift fields (proxy row 3100),
#  - a missing field is empty, not "undefined" (proxy row 3101),
#  - an unknown event type is counted under its real host and subsystem,
#  - queue points are udp-listen's own socket figures and (v1) carry no
#    host=undefined tag.
measurement() {	# measurement NAME FILE: "exact/golden" of golden-compare's summary
	sed -n 's/^per measurement (exact\/golden): //p' "$2" | tr ',' '\n' | sed -n "s/^ *$1 //p"
}
for v in 1 2 3; do
	"$TI" -c "$CFG" --set "Butler-SOS.influxdbConfig.version=$v" --dry-run <"$T_TMP/fixtures.ndjson" \
		>"$T_TMP/v$v.lp" 2>"$T_TMP/v$v.err"
	is $? 0 "v$v: --dry-run exits 0"
	"$GC" --max-show 0 "$FIXTURES/expected/influxdb-v$v.lp" "$T_TMP/v$v.lp" >"$T_TMP/gc$v.txt"
	like "$(tail -1 "$T_TMP/gc$v.txt")" '^conformance: 74/80 points match$' "v$v: 74 of 80 golden points identical"
	sed -n '/golden point(s) missing/,/^$/p' "$T_TMP/gc$v.txt" | grep '^\* ' >"$T_TMP/missing$v"
	like "$(cat "$T_TMP/missing$v")" 'log_row=1461' "v$v: difference: the drop rule drops"
	like "$(cat "$T_TMP/missing$v")" 'log_row=3100.*result_code=Open' "v$v: difference: no field shift at ';'"
	like "$(cat "$T_TMP/missing$v")" 'log_row=3101.*undefined' "v$v: difference: no \"undefined\""
	like "$(cat "$T_TMP/missing$v")" 'host=12.*source=qseow-printing' "v$v: difference: unknown types counted under their host"
	for m in log_event:21/24 event_count:22/23 log_events_queue:0/1 user_events_queue:0/1; do
		is "$(measurement "${m%%:*}" "$T_TMP/gc$v.txt")" "${m#*:}" "v$v: ${m%%:*} ${m#*:}"
	done
	for m in sense_server mem apps cpu session users cache saturated user_session_summary \
		user_session_list user_session_details user_events rejected_event_count \
		butlersos_memory_usage butler_sos_errors; do
		like "$(measurement "$m" "$T_TMP/gc$v.txt")" '^([0-9]+)/\1$' "v$v: every $m point identical"
	done
done
is "$(grep -c '^\* .*_queue \[host=undefined' "$T_TMP/missing1")" 2 "v1: queue points without host=undefined"
like "$(cat "$T_TMP/v1.err")" 'incomplete 2' "two user events without origin skipped, as Butler SOS does"

# --- InfluxDB 1.x: written and read back exactly ------------------------------------
start_influxdb
ok $? "influxd started"
TARGET=(--set Butler-SOS.influxdbConfig.host=127.0.0.1 --set "Butler-SOS.influxdbConfig.port=$INFLUXDB_PORT")
# the fixtures are from 2024: a retention policy of 10d would refuse them
INF=(--set Butler-SOS.influxdbConfig.v1Config.retentionPolicy.duration=INF)
"$TI" -c "$CFG" "${TARGET[@]}" "${INF[@]}" <"$T_TMP/fixtures.ndjson" 2>"$T_TMP/w1.err"
is $? 0 "InfluxDB 1.x: exit 0 at the end of the input"
like "$(cat "$T_TMP/w1.err")" 'created database senseops with retention policy 10d' "database and retention policy created"
like "$(influx_query senseops 'SHOW RETENTION POLICIES')" '"10d","0s","168h0m0s",1,true' "retention policy 10d is the default"
"$TI" -c "$CFG" "${INF[@]}" --dry-run <"$T_TMP/fixtures.ndjson" >"$T_TMP/w1.lp" 2>/dev/null
"$TOP/tests/lp-check" influx1 "$T_TMP/w1.lp" "http://127.0.0.1:$INFLUXDB_PORT" senseops >"$T_TMP/check1"
ok $? "InfluxDB 1.x holds every point: measurement, tags, time, fields and field types"
like "$(tail -1 "$T_TMP/check1")" '^checked: 80 points, 0 differences$' "80 points checked"
like "$(influx_query senseops 'SELECT * FROM "log_event" WHERE "source" = '"'"'qseow-qix-perf'"'"' LIMIT 1')" \
	'"qseow-qix-perf"' "the dashboard's qix-perf query finds its rows"
# queries as the SenseOps dashboard writes them (InfluxQL, retention policy "10d")
dash() {	# dash DESCRIPTION QUERY REGEX
	like "$(influx_query senseops "$2")" "$3" "dashboard: $1"
}
dash "warnings and errors per category" \
	'SELECT count("message") FROM "10d"."log_event" WHERE ("qs_env" = '"'dev'"' AND ("level" = '"'WARN'"' OR "level" = '"'ERROR'"')) GROUP BY "qs_log_category"' \
	'"qs_log_category":"reload-failed"\},"columns":\["time","count"\],"values":\[\["[^"]*",4\]\]'
dash "unique users opening apps" \
	'SELECT count(distinct("userFull")) FROM "user_events" WHERE "qs_env" = '"'dev'"' AND "event_action" = '"'Open connection'"'' \
	'"values":\[\["[^"]*",4\]\]'
dash "qix work time per app" \
	'SELECT mean("work_time") FROM "10d"."log_event" WHERE "source" = '"'qseow-qix-perf'"' GROUP BY "app_name"' \
	'"app_name":"Sales forecast"'
dash "unmonitored apps (rejected, app name set)" \
	'SELECT sum("counter") FROM "rejected_event_count" WHERE "app_name_set" = '"'true'"' AND "method" = '"'Global::OpenApp'"' GROUP BY "app_name"' \
	'"app_name":"Budget 2025"\},"columns":\["time","sum"\],"values":\[\["[^"]*",1\]\]'
dash "apps in memory per server" \
	'SELECT last("in_memory_docs_count"), last("in_memory_docs_names") FROM "apps" GROUP BY "server_description"' \
	'"server_description":"Central node".*,4,"\\"Budget 2025\\",\\"Sales basket analysis\\",\\"Sales forecast\\""'
dash "sessions and users" 'SELECT last("total") FROM "session" GROUP BY "server_description"' '"values":\[\["[^"]*",5\]\]'
dash "free memory" 'SELECT last("free") FROM "mem"' '"values":\[\["[^"]*",9124\]\]'
dash "Butler SOS memory" 'SELECT last("process_memory") FROM "butlersos_memory_usage" GROUP BY "butler_sos_instance"' \
	'"butler_sos_instance":"DEV".*120\.75'
dash "log queue processing time" 'SELECT mean("processing_time_avg_ms") FROM "log_events_queue" WHERE "qs_env" = '"'dev'"'' \
	'"values":\[\["[^"]*",[0-9.e-]+\]\]'
dash "event counts per source" 'SELECT sum("counter") FROM "event_count" WHERE "qs_env" = '"'dev'"' GROUP BY "source"' \
	'"source":"qseow-qix-perf"\},"columns":\["time","sum"\],"values":\[\["[^"]*",4\]\]'
"$TI" -c "$CFG" "${TARGET[@]}" "${INF[@]}" <"$T_TMP/fixtures.ndjson" 2>"$T_TMP/w1b.err"
"$TOP/tests/lp-check" influx1 "$T_TMP/w1.lp" "http://127.0.0.1:$INFLUXDB_PORT" senseops >"$T_TMP/check1b"
ok $? "written twice: still exactly the same points (a record always gets the same timestamp)"
is "$(grep -c 'created database' "$T_TMP/w1b.err")" 0 "an existing database is left alone"

# --- numbered streams: nothing lost, nothing twice ---------------------------------
# gen N [DELAY_S]: N log events "seq 1".."seq N", one ms apart, now
gen() {
	perl -e '$| = 1; my ($n, $d) = @ARGV; my $t = time() * 1000;
		for my $i (1 .. $n) {
			my $ms = $t + $i; my @g = gmtime(int($ms / 1000));
			printf "{\"kind\":\"log_event\",\"ts\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\",\"tags\":{\"qs_env\":\"t\"},\"source\":\"qseow-proxy\",\"log_row\":%d,\"ts_iso\":\"\",\"ts_local\":\"\",\"level\":\"INFO\",\"host\":\"h1\",\"subsystem\":\"s\",\"windows_user\":\"\",\"message\":\"seq %d\",\"user_directory\":\"\",\"user_id\":\"\",\"user_full\":\"\",\"exception_message\":\"\",\"command\":\"\",\"result_code\":\"\",\"origin\":\"\",\"context\":\"\"}\n",
				$g[5] + 1900, $g[4] + 1, $g[3], $g[2], $g[1], $g[0], $ms % 1000, $i, $i;
			select(undef, undef, undef, $d) if $d;
		}' "$@"
}
# counts DB: "points distinct-messages" in log_event
counts() {
	local a b
	a=$(influx_query "$1" 'SELECT count("message") FROM "log_event"' | grep -o '"values":\[\[[^]]*' | sed 's/.*,//')
	b=$(influx_query "$1" 'SELECT count(distinct("message")) FROM "log_event"' | grep -o '"values":\[\[[^]]*' | sed 's/.*,//')
	echo "${a:-0} ${b:-0}"
}
SMALL=(--set Butler-SOS.influxdbConfig.maxBatchSize=50 --set Butler-SOS.influxdbConfig.flushInterval=100)

# the database stops for 3 s in the middle of a stream (memory queue)
gen 2000 0.0025 | "$TI" -c "$CFG" "${TARGET[@]}" "${SMALL[@]}" --set Butler-SOS.influxdbConfig.v1Config.dbName=outage \
	--drain-timeout 60000 2>"$T_TMP/outage.err" &
TI_PID=$!
T_PIDS+=("$TI_PID")
sleep 1.5
stop_bg "$INFLUXDB_PID"
sleep 3
restart_influxdb
ok $? "influxd restarted on the same data"
wait "$TI_PID"
is $? 0 "outage: to-influx exits 0 once everything is written"
like "$(cat "$T_TMP/outage.err")" 'retrying in' "outage: the failed writes are retried"
is "$(counts outage)" "2000 2000" "outage: all 2000 records stored, each once"

# kill -9 while the database is down: the spool has the records
gen 1000 >"$T_TMP/k1.ndjson"
stop_bg "$INFLUXDB_PID"
"$TI" -c "$CFG" "${TARGET[@]}" --set Butler-SOS.influxdbConfig.v1Config.dbName=kill1 --spool "$T_TMP/spool1" \
	--drain-timeout 60000 <"$T_TMP/k1.ndjson" 2>"$T_TMP/k1.err" &
TI_PID=$!
T_PIDS+=("$TI_PID")
for _ in $(seq 100); do
	[ "$(cat "$T_TMP"/spool1/seg-*.ndjson 2>/dev/null | wc -l)" -eq 1000 ] && break
	sleep 0.1
done
is "$(cat "$T_TMP"/spool1/seg-*.ndjson | wc -l)" 1000 "database down: 1000 records in the spool"
kill -9 "$TI_PID"
wait "$TI_PID" 2>/dev/null
restart_influxdb
"$TI" -c "$CFG" "${TARGET[@]}" --set Butler-SOS.influxdbConfig.v1Config.dbName=kill1 --spool "$T_TMP/spool1" \
	</dev/null 2>"$T_TMP/k1b.err"
is $? 0 "restarted on the spool alone: exit 0"
is "$(counts kill1)" "1000 1000" "kill -9: the spool delivered all 1000 records, each once"

# kill -9 in the middle of writing; the restart reads the whole input again
gen 3000 >"$T_TMP/k2.ndjson"
perl -pe 'select(undef, undef, undef, 0.001)' "$T_TMP/k2.ndjson" | "$TI" -c "$CFG" "${TARGET[@]}" "${SMALL[@]}" \
	--set Butler-SOS.influxdbConfig.v1Config.dbName=kill2 --spool "$T_TMP/spool2" 2>"$T_TMP/k2.err" &
TI_PID=$!
T_PIDS+=("$TI_PID")
sleep 1.5
kill -9 "$TI_PID"
wait "$TI_PID" 2>/dev/null
before=$(counts kill2)
ok "$([ "${before% *}" -gt 0 ] && [ "${before% *}" -lt 3000 ]; echo $?)" "killed mid-stream ($before stored)"
"$TI" -c "$CFG" "${TARGET[@]}" --set Butler-SOS.influxdbConfig.v1Config.dbName=kill2 --spool "$T_TMP/spool2" \
	<"$T_TMP/k2.ndjson" 2>"$T_TMP/k2b.err"
is $? 0 "restarted with the same spool and input: exit 0"
is "$(counts kill2)" "3000 3000" "kill -9 mid-stream: all 3000 records stored, none twice"

# SIGTERM: stops reading, flushes what it read, exits in time
gen 100000 0.0002 | "$TI" -c "$CFG" "${TARGET[@]}" --set Butler-SOS.influxdbConfig.v1Config.dbName=term \
	2>"$T_TMP/term.err" &
TI_PID=$!
T_PIDS+=("$TI_PID")
sleep 1.5
t0=$(date +%s%N)
kill -TERM "$TI_PID"
wait "$TI_PID"
is $? 0 "SIGTERM: exit 0"
ok "$([ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 5000 ]; echo $?)" "SIGTERM: gone within 5 s"
read_n=$(sed -n 's/.*msg="read \([0-9]*\) records.*/\1/p' "$T_TMP/term.err")
like "$(cat "$T_TMP/term.err")" 'pending 0"' "SIGTERM: nothing left unwritten"
is "$(counts term)" "$read_n $read_n" "SIGTERM: every record read ($read_n) is stored"

# --- bad input ------------------------------------------------------------------------
{
	printf '%s\n' 'not json' '[1,2]' '{"kind":"log_event"}' '{"kind":"nosuchkind","ts":"2026-01-01T00:00:00.000Z","tags":{}}'
	printf '{"kind":"event_count","ts":"yesterday","tags":{},"counter":1}\n'
	printf '{"kind":"log_event","ts":"2026-01-01T00:00:00.000Z","tags":{"qs_env":"t"},"source":"qseow-proxy","log_row":1e300,"level":"INFO","host":"h","subsystem":"s","message":"absurd"}\n'
	printf '{"kind":"qix_perf","ts":"2026-01-01T00:00:00.001Z","tags":{},"source":"qseow-qix-perf","log_row":-5,"level":"INFO","host":"h","subsystem":"s","net_ram":-1e300,"peak_ram":1e300,"handle":"x","process_time":"abc"}\n'
	printf '{"kind":"health","ts":"2026-01-01T00:00:00.002Z","tags":{"host":"h"},"mem":{"committed":-1},"cpu":{"total":1e999}}\n'
	printf '{"kind":"event_count","ts":"2026-01-01T00:00:00.003Z","tags":{"qs env,=x\\\\":"v a,l=u\\\\e\\\\"},"event_type":"log","source":"s","host":"h","subsystem":"x","counter":7}\n'
	printf '{"kind":"log_event","ts":"2026-01-01T00:00:00.004Z","tags":{"qs_env":"t"},"source":"qseow-proxy","log_row":2,"level":"WARN","host":"h o,s=t","subsystem":"a\\\\b","message":"say \\"hi\\" \\\\ back\\\\\\nline2\\ttab \\u00e9\\u0001","exception_message":"","command":"","result_code":"","origin":"","context":""}\n'
	printf '{"kind":"log_event","ts":"2026-01-01T00:00:00.005Z","tags":{},"source":"qseow-proxy","log_row":3,"level":"INFO","host":"h","subsystem":"s","message":"%s"}\n' "$(head -c 900000 /dev/zero | tr '\0' 'x')"
	printf '{"kind":"log_event","ts":"2026-01-01T00:00:00.006Z","tags":{},"message":"nul \0 byte"}\n'
	printf '{"kind":"log_event","ts":"2026-01-01T00:00:00.007Z","tags":{},"message":"bad \xff utf8"}\n'
} >"$T_TMP/bad.ndjson"
"$TI" -c "$CFG" "${TARGET[@]}" "${INF[@]}" --set Butler-SOS.influxdbConfig.v1Config.dbName=bad \
	<"$T_TMP/bad.ndjson" 2>"$T_TMP/bad.err"
is $? 0 "bad input: exit 0, the stream goes on"
like "$(cat "$T_TMP/bad.err")" 'skipped a bad record: ts \\"yesterday\\" is not an RFC 3339 time' "a bad ts is reported"
like "$(cat "$T_TMP/bad.err")" 'no measurement for kind \\"nosuchkind\\"' "an unknown kind is reported"
like "$(cat "$T_TMP/bad.err")" 'msg="read 11 records.* refused 0, bad 4, unknown kind 1,' "counted: 4 bad, 1 unknown; NUL and bad UTF-8 lines never reach the queue"
"$TI" -c "$CFG" "${INF[@]}" --dry-run <"$T_TMP/bad.ndjson" >"$T_TMP/bad.lp" 2>/dev/null
"$TOP/tests/lp-check" influx1 "$T_TMP/bad.lp" "http://127.0.0.1:$INFLUXDB_PORT" bad >"$T_TMP/checkbad"
ok $? "bad input: what was written is exactly what InfluxDB stored"
got=$(influx_query bad 'SELECT "message", "host", "subsystem" FROM "log_event" WHERE "log_row" = '"'2'")
like "$got" '"say \\"hi\\" \\\\ back\\\\\\nline2\\ttab é\\u0001"' "a message with quotes, backslashes, newline, tab, UTF-8 and a control character reads back unchanged"
like "$got" '"h o,s=t","a\\\\b"' "tags with space, comma, equals and backslash read back unchanged"
like "$(influx_query bad 'SHOW TAG KEYS FROM "event_count"')" '"qs env,=x"' "a tag key with space, comma and equals reads back (a trailing backslash cannot be written)"
like "$(influx_query bad 'SHOW TAG VALUES FROM "event_count" WITH KEY = "qs env,=x"')" '"v a,l=u\\\\e"' "...and its value, with its inner backslash"
like "$(influx_query bad 'SELECT "net_ram", "peak_ram" FROM "log_event" WHERE "source" = '"'qseow-qix-perf'")" \
	'-9223372036854774784,9223372036854774784' "absurd integers are kept in range, still integers"
like "$(influx_query bad 'SELECT * FROM "log_event" WHERE "log_row" = '"'3'")" 'xxxxxxxxxx' "a 900 kB message is stored"

# --- VictoriaMetrics: the InfluxDB 2.x and 3.x write API ---------------------------------
start_victoriametrics
ok $? "victoria-metrics started"
for v in 2 3; do
	"$TI" -c "$CFG" --set "Butler-SOS.influxdbConfig.version=$v" --set Butler-SOS.influxdbConfig.host=127.0.0.1 \
		--set "Butler-SOS.influxdbConfig.port=$VM_PORT" <"$T_TMP/fixtures.ndjson" 2>"$T_TMP/vm$v.err"
	is $? 0 "v$v into VictoriaMetrics: exit 0"
	curl -s "http://127.0.0.1:$VM_PORT/internal/force_flush" >/dev/null
	"$TOP/tests/lp-check" vm "$T_TMP/v$v.lp" "http://127.0.0.1:$VM_PORT" >"$T_TMP/checkvm$v"
	ok $? "v$v: VictoriaMetrics holds every numeric field of every point (tags, time, value)"
	like "$(tail -1 "$T_TMP/checkvm$v")" '^checked: 80 points, 0 differences$' "v$v: 80 points checked"
	curl -s "http://127.0.0.1:$VM_PORT/api/v1/admin/tsdb/delete_series" --data-urlencode 'match[]={__name__!=""}'
done

# --- wrong host: keeps queueing and retrying, the spool keeps the rest ------------
DEAD=$(free_port)
"$TI" -c "$CFG" --set Butler-SOS.influxdbConfig.host=127.0.0.1 --set "Butler-SOS.influxdbConfig.port=$DEAD" \
	--spool "$T_TMP/spool3" --drain-timeout 2500 <"$T_TMP/fixtures.ndjson" 2>"$T_TMP/dead.err"
is $? 0 "wrong host, with a spool: exit 0 after the drain timeout"
like "$(cat "$T_TMP/dead.err")" "not reachable.*queueing and retrying" "wrong host: said at start"
like "$(cat "$T_TMP/dead.err")" 'retrying in [0-9]+ ms, records kept in the spool' "wrong host: retried"
like "$(cat "$T_TMP/dead.err")" '69 records not written yet: they stay in the spool' "wrong host: the records stay in the spool"
run "$TI" -c "$CFG" --set Butler-SOS.influxdbConfig.host=127.0.0.1 --set "Butler-SOS.influxdbConfig.port=$DEAD" \
	--drain-timeout 1000
is "$RC" 0 "wrong host, no input: nothing to lose, exit 0"
printf '%s\n' "$(head -1 "$T_TMP/fixtures.ndjson")" >"$T_TMP/one.ndjson"
"$TI" -c "$CFG" --set Butler-SOS.influxdbConfig.host=127.0.0.1 --set "Butler-SOS.influxdbConfig.port=$DEAD" \
	--drain-timeout 1000 <"$T_TMP/one.ndjson" 2>"$T_TMP/dead2.err"
is $? 75 "wrong host, memory queue: exit 75 when records could not be written"
like "$(cat "$T_TMP/dead2.err")" '1 records not written yet are lost' "...and says how many were lost"
"$TI" -c "$CFG" "${TARGET[@]}" "${INF[@]}" --set Butler-SOS.influxdbConfig.v1Config.dbName=late \
	--spool "$T_TMP/spool3" </dev/null 2>"$T_TMP/late.err"
is $? 0 "the spool of the wrong host, written once the right host is given"
"$TI" -c "$CFG" "${INF[@]}" --set Butler-SOS.influxdbConfig.v1Config.dbName=late --dry-run \
	<"$T_TMP/fixtures.ndjson" >"$T_TMP/late.lp" 2>/dev/null
"$TOP/tests/lp-check" influx1 "$T_TMP/late.lp" "http://127.0.0.1:$INFLUXDB_PORT" late >"$T_TMP/checklate"
ok $? "every spooled record stored"

# --- credentials ----------------------------------------------------------------------
stop_bg "$INFLUXDB_PID"
INFLUXDB_AUTH=true start_influxdb
ok $? "influxd with authentication started"
curl -sS "http://127.0.0.1:$INFLUXDB_PORT/query" \
	--data-urlencode "q=CREATE USER admin WITH PASSWORD 'right horse' WITH ALL PRIVILEGES" >/dev/null
AUTH=(--set Butler-SOS.influxdbConfig.host=127.0.0.1 --set "Butler-SOS.influxdbConfig.port=$INFLUXDB_PORT"
	--set Butler-SOS.influxdbConfig.v1Config.auth.enable=true --set Butler-SOS.influxdbConfig.v1Config.auth.username=admin)
printf 'wrong battery\n' >"$T_TMP/wrong.pw"
printf 'right horse\n' >"$T_TMP/right.pw"
chmod 600 "$T_TMP/wrong.pw" "$T_TMP/right.pw"
run "$TI" -c "$CFG" "${AUTH[@]}" --password-file "$T_TMP/wrong.pw"
is "$RC" 77 "wrong password: exit 77 at start"
like "$ERR" "refused the credentials from file $T_TMP/wrong.pw: HTTP 401" "wrong password: says so, and where the password came from"
ok "$(printf '%s' "$ERR" | grep -c 'battery')" "the password is never printed"
SENSEOPS_INFLUX_PASSWORD='right horse' "$TI" -c "$CFG" "${AUTH[@]}" "${INF[@]}" <"$T_TMP/fixtures.ndjson" 2>"$T_TMP/auth.err"
is $? 0 "right password from the environment: exit 0"
INFLUXDB_USER='admin:right horse'
like "$(influx_query senseops 'SELECT count("counter") FROM "event_count"')" '"values":\[\["[^"]*",24\]\]' "written with the right password"
run "$TI" -c "$CFG" "${AUTH[@]}" --password-file "$T_TMP/right.pw" --check-config
is "$RC" 0 "--check-config with a password file"
printf 'Butler-SOS:\n  influxdbConfig:\n    v1Config:\n      auth: {enable: true, username: u, password: hunter2}\n' >"$T_TMP/pw.yaml"
run "$TI" -c "$T_TMP/pw.yaml" --print-config
is "$RC" 0 "--print-config: exit 0"
ok "$(printf '%s' "$OUT$ERR" | grep -c hunter2)" "--print-config hides the password"
run "$TI" -c "$CFG" "${AUTH[@]}" --set Butler-SOS.influxdbConfig.v1Config.auth.password=hunter2
is "$RC" 64 "a password on the command line is refused"

# --- TLS ------------------------------------------------------------------------------
CERTS=$T_TMP/fixture-stream/certs
stop_bg "$INFLUXDB_PID"
INFLUXDB_TLS_CERT=$CERTS/server.pem INFLUXDB_TLS_KEY=$CERTS/server_key.pem start_influxdb
ok $? "influxd with HTTPS started"
TLS=(--set Butler-SOS.influxdbConfig.host=localhost --set "Butler-SOS.influxdbConfig.port=$INFLUXDB_PORT"
	--set Butler-SOS.influxdbConfig.tls.enable=true)
"$TI" -c "$CFG" "${TLS[@]}" "${INF[@]}" --set "Butler-SOS.influxdbConfig.tls.ca=$CERTS/root.pem" \
	<"$T_TMP/fixtures.ndjson" 2>"$T_TMP/tls.err"
is $? 0 "HTTPS with the right CA: exit 0"
like "$(curl -sS --cacert "$CERTS/root.pem" -G "https://localhost:$INFLUXDB_PORT/query" --data-urlencode db=senseops \
	--data-urlencode 'q=SELECT count("counter") FROM "event_count"')" '"values":\[\["[^"]*",24\]\]' "HTTPS: written"
"$TI" -c "$CFG" "${TLS[@]}" --set "Butler-SOS.influxdbConfig.tls.ca=$CERTS/other_root.pem" --drain-timeout 1000 \
	<"$T_TMP/one.ndjson" 2>"$T_TMP/tlsbad.err"
is $? 75 "HTTPS with the wrong CA: nothing written (exit 75)"
like "$(cat "$T_TMP/tlsbad.err")" 'not reachable \(SSL certificate problem' "wrong CA: the certificate is refused, and said so"
"$TI" -c "$CFG" "${TLS[@]}" --set "Butler-SOS.influxdbConfig.tls.ca=$CERTS/other_root.pem" \
	--set Butler-SOS.influxdbConfig.tls.rejectUnauthorized=false <"$T_TMP/one.ndjson" 2>"$T_TMP/tlsoff.err"
is $? 0 "rejectUnauthorized false: written without verification"
like "$(cat "$T_TMP/tlsoff.err")" "certificate is NOT verified" "...with a warning"

# --- refused points, Retry-After, gzip: a scripted InfluxDB ------------------------------
# The first two writes get 429 with Retry-After: 1, then 204; bodies are kept.
cat >"$T_TMP/fake.py" <<'PY'
import gzip, http.server, sys, time
n = 0
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global n
        body = self.rfile.read(int(self.headers['Content-Length']))
        with open(sys.argv[2], 'ab') as f:
            f.write(b'%d %s %s\n' % (time.time_ns() // 1000000, self.path.encode(), (self.headers['Content-Encoding'] or '-').encode()))
        if body:
            n += 1
            if n <= 2:
                self.send_response(429)
                self.send_header('Retry-After', '1')
                self.end_headers()
                return
            with open(sys.argv[3], 'ab') as f:
                f.write(gzip.decompress(body) if self.headers['Content-Encoding'] == 'gzip' else body)
        self.send_response(204)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
PY
FAKE=$(free_port)
start_bg fake python3 "$T_TMP/fake.py" "$FAKE" "$T_TMP/fake.log" "$T_TMP/fake.body"
wait_port "$FAKE"
"$TI" -c "$CFG" --set Butler-SOS.influxdbConfig.version=2 --set Butler-SOS.influxdbConfig.host=127.0.0.1 \
	--set "Butler-SOS.influxdbConfig.port=$FAKE" <"$T_TMP/fixtures.ndjson" 2>"$T_TMP/fake.err"
is $? 0 "429 twice, then stored: exit 0"
like "$(cat "$T_TMP/fake.err")" 'HTTP 429\); retrying in 1[0-9]{3} ms' "Retry-After honoured"
cmp -s "$T_TMP/fake.body" "$T_TMP/v2.lp"
ok $? "the body, gunzipped, is exactly the line protocol of --dry-run"
like "$(cat "$T_TMP/fake.log")" '/api/v2/write\?org=myorg&bucket=senseops&precision=ns gzip' "v2 write URL, gzip"
t=$(awk 'NR > 1 { print $1 - p } { p = $1 }' "$T_TMP/fake.log" | tail -2 | sort -n | head -1)
ok "$([ "$t" -ge 950 ]; echo $?)" "a second between the retries ($t ms)"

# a point InfluxDB refuses for its content: only that record is dropped
stop_bg "$INFLUXDB_PID"
start_influxdb
{
	for i in $(seq 1 100); do
		printf '{"kind":"event_count","ts":"2026-01-01T00:00:00.%03dZ","tags":{},"event_type":"log","source":"s","host":"h","subsystem":"x","counter":%d}\n' "$i" "$i"
	done
	printf '{"kind":"host","ts":"2026-01-01T00:00:01.000Z","tags":{"host":"h"},"hostname":"h","kernel":"k","arch":"x","cpu_cores":2}\n'
	printf '{"kind":"host","ts":"2026-01-01T00:00:02.000Z","tags":{"host":"h"},"hostname":"h","kernel":"k","arch":"x","cpu_cores":"two"}\n'
	for i in $(seq 101 200); do
		printf '{"kind":"event_count","ts":"2026-01-01T00:00:00.%03dZ","tags":{},"event_type":"log","source":"s","host":"h","subsystem":"x","counter":%d}\n' "$i" "$i"
	done
} >"$T_TMP/conflict.ndjson"
"$TI" -c "$CFG" --set Butler-SOS.influxdbConfig.host=127.0.0.1 --set "Butler-SOS.influxdbConfig.port=$INFLUXDB_PORT" \
	"${INF[@]}" --set Butler-SOS.influxdbConfig.v1Config.dbName=conflict <"$T_TMP/conflict.ndjson" 2>"$T_TMP/conflict.err"
is $? 0 "a field type conflict: exit 0"
like "$(cat "$T_TMP/conflict.err")" 'refused the points of a host record, dropped: HTTP 400: .*field type conflict' "the refused record is named, with InfluxDB's reason"
like "$(cat "$T_TMP/conflict.err")" 'wrote 201 points of 201 records .* refused 1,' "the other 201 records are written, 1 refused"
like "$(influx_query conflict 'SELECT count("counter") FROM "event_count"')" '"values":\[\["[^"]*",200\]\]' "all 200 counters stored"

# --- configuration and usage errors -------------------------------------------------------
run "$TI" -c "$CFG" --set Butler-SOS.influxdbConfig.version=4
is "$RC" 78 "version 4: exit 78"
like "$ERR" 'influxdbConfig.version: expected an integer in \[1, 3\]' "version 4: says what is allowed"
printf 'Butler-SOS:\n  influxdbConfig: {version: 2, v2Config: {org: o, bucket: b}}\n' >"$T_TMP/notoken.yaml"
run "$TI" -c "$T_TMP/notoken.yaml"
is "$RC" 78 "v2 without a token: exit 78"
like "$ERR" "v2Config.token: missing" "...and says which key"
for k in v2Config.org v2Config.bucket v3Config.database; do
	case $k in
	v2Config.org) yaml='{version: 2, v2Config: {bucket: b, token: t}}' ;;
	v2Config.bucket) yaml='{version: 2, v2Config: {org: o, token: t}}' ;;
	*) yaml='{version: 3, v3Config: {token: t}}' ;;
	esac
	printf 'Butler-SOS:\n  influxdbConfig: %s\n' "$yaml" >"$T_TMP/nokey.yaml"
	run "$TI" -c "$T_TMP/nokey.yaml" --dry-run </dev/null
	is "$RC" 78 "${k%%Config*} without $k: exit 78, no crash"
	like "$ERR" "$k: missing" "...and says which key"
done
run "$TI" -c "$CFG" --set Butler-SOS.influxdbConfig.enable=false
is "$RC" 78 "influxdbConfig.enable false: exit 78"
like "$ERR" 'influxdbConfig.enable is false' "...and says why"
run "$TI" -c "$CFG" --set Butler-SOS.influxdbConfig.v1Config.retentionPolicy.duration='10 days'
is "$RC" 78 "a retention duration InfluxQL does not know: exit 78"
run "$TI" -c "$CFG" --dry-run --spool /proc/senseops-no-such-dir/x
is "$RC" 73 "a spool that cannot be created: exit 73"
run "$TI" --no-such-option
is "$RC" 64 "unknown option: exit 64"
run "$TI" -c "$CFG" --dry-run extra
is "$RC" 64 "an operand: exit 64"
run "$TI" -c "$CFG" --set Butler-SOS.influxdbConfig.maxBatchSize=0 --dry-run
like "$ERR" 'maxBatchSize: not a whole number in 1..10000; using 1000' "maxBatchSize out of range: 1000, as Butler SOS does"

done_testing
