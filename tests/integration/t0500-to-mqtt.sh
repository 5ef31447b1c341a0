#!/usr/bin/env bash
# t0500-to-mqtt: to-mqtt against a real mosquitto on loopback: the fixtures
# through the whole pipeline against Butler SOS's golden MQTT messages; the
# topic template; TLS (right and wrong CA, client certificates, an
# encrypted key); passwords and an ACL; a broker restart and a kill -9 in
# the middle of a stream at QoS 1 without losing a message; bad input and
# configuration errors.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

TM=$BIN/to-mqtt
CFG=$FIXTURES/expected/butler-sos-config-used.yaml
GC=$SHARED/tools/golden-compare
[ -r "$CFG" ] || skip_all "no fixtures at $FIXTURES"
need perl python3 mosquitto mosquitto_sub mosquitto_pub mosquitto_passwd

fixture_stream "$T_TMP/fixtures.ndjson"
ok $? "fixture stream: udp-listen, sense-sim --respond and sense-poll"
CERTS=$T_TMP/fixture-stream/certs

# sub NAME [mosquitto_sub options]: a subscriber to everything, each message
# as a JSON line in $T_TMP/NAME.sub; returns once it demonstrably receives.
sub() {
	local name=$1 i
	shift
	mosquitto_sub -h 127.0.0.1 -p "$MOSQUITTO_PORT" -t '#' -q 1 -F '%j' "$@" >"$T_TMP/$name.sub" 2>"$T_TMP/$name.suberr" &
	SUB_PID=$!
	T_PIDS+=("$SUB_PID")
	for i in $(seq 100); do
		mosquitto_pub -h 127.0.0.1 -p "$MOSQUITTO_PORT" -t "probe/$name" -m "$i" "${SUB_AUTH[@]}" 2>/dev/null
		grep -q "\"probe/$name\"" "$T_TMP/$name.sub" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
SUB_AUTH=()

# received NAME PATTERN N: waits (5 s at most) until N lines match, prints the count
received() {
	local i n=0
	for i in $(seq 100); do
		n=$(grep -c "$2" "$T_TMP/$1.sub" 2>/dev/null)
		[ "$n" -ge "$3" ] && break
		sleep 0.05
	done
	echo "$n"
}

# golden FILE.sub OUT.json: the capture as golden-compare's [{topic, payload}], probes left out
golden() {
	python3 -c 'import json, sys
msgs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
json.dump([{"topic": m["topic"], "payload": m["payload"]} for m in msgs if not m["topic"].startswith("probe/")],
    open(sys.argv[2], "w"))' "$1" "$2"
}

# --- the fixtures, against Butler SOS's golden messages -----------------------------
start_mosquitto
ok $? "mosquitto started"
TARGET=(--set Butler-SOS.mqttConfig.brokerHost=127.0.0.1 --set "Butler-SOS.mqttConfig.brokerPort=$MOSQUITTO_PORT")
sub golden
ok $? "subscriber ready"
"$TM" -c "$CFG" "${TARGET[@]}" --topic-template '' <"$T_TMP/fixtures.ndjson" 2>"$T_TMP/golden.err"
is $? 0 "to-mqtt: exit 0 at the end of the input"
like "$(cat "$T_TMP/golden.err")" 'without TLS and without credentials: anyone on the network can read and publish' \
	"plain TCP without credentials: a warning at start"
like "$(cat "$T_TMP/golden.err")" 'published 94 messages of 67 records, 94 acknowledged' "94 messages, every one acknowledged (QoS 1)"
is "$(received golden '"topic":"[bq]' 94)" 94 "the subscriber got 94 messages"
stop_bg "$SUB_PID"
golden "$T_TMP/golden.sub" "$T_TMP/golden.json"
"$GC" --mode mqtt --max-show 0 "$FIXTURES/expected/mqtt-messages.json" "$T_TMP/golden.json" >"$T_TMP/gc.txt"
like "$(tail -1 "$T_TMP/gc.txt")" '^conformance: 88/96 messages match$' "88 of 96 golden messages identical"
like "$(cat "$T_TMP/gc.txt")" 'summary: exact=88 payload-differs=6 missing=2 extra=0' "the rest: 6 payloads differ, 2 not sent"
# the deliberate differences (udp-listen(1)): the drop rule drops, no field
# shift at ';', no "undefined" for missing fields
like "$(sed -n '/without a candidate/,/^$/p' "$T_TMP/gc.txt")" '"log_row": 1461' "difference: the drop rule drops (engine row 1461)"
like "$(cat "$T_TMP/gc.txt")" "golden='jdoe'  candidate='Open'" "difference: a ';' in the message does not shift fields (row 3100)"
like "$(cat "$T_TMP/gc.txt")" "golden='undefined'  candidate=''" "difference: missing fields are empty, not \"undefined\""
for t in version started mem/comitted mem/allocated mem/free cpu/total session/active apps/active_docs apps/calls \
	users/total cache/hits cache/bytes_added saturated cache/hit_ratio usersession/ usersession/hdr; do
	like "$(cat "$T_TMP/golden.sub")" "\"topic\":\"butler-sos/qliksense1.corp.example.com/$t\"" "health and sessions: $t"
done
like "$(grep -c '"topic":"qliksense/logevent/system/scheduler/scheduler/slave/tasks/reloadtask"' "$T_TMP/golden.sub")" '^3$' \
	"log events on their subsystem topics"
like "$(grep '"topic":"qliksense/userevent/connection/open"' "$T_TMP/golden.sub" | head -1)" '\\"tags\\":\{\\"qs_env\\":\\"dev\\"\},\\"appId\\"' \
	"user events: tags after message, then the app"
"$TM" -c "$CFG" --topic-template '' --dry-run <"$T_TMP/fixtures.ndjson" >"$T_TMP/dry.txt" 2>/dev/null
is "$(wc -l <"$T_TMP/dry.txt")" 94 "--dry-run prints the same 94 messages"

# QoS 2, and retained health messages for a subscriber that comes later
"$TM" -c "$CFG" "${TARGET[@]}" --topic-template '' --set Butler-SOS.mqttConfig.qos=2 \
	--set Butler-SOS.mqttConfig.retain.health=true --set Butler-SOS.mqttConfig.clientId=qos2-test \
	<"$T_TMP/fixtures.ndjson" 2>"$T_TMP/qos2.err"
is $? 0 "QoS 2: exit 0"
like "$(cat "$T_TMP/qos2.err")" 'as qos2-test \(MQTT 3.1.1, QoS 2\)' "QoS 2, the client id configured"
like "$(cat "$T_TMP/qos2.err")" 'published 94 messages of 67 records, 94 acknowledged' "QoS 2: every message completed"
timeout 10 mosquitto_sub -h 127.0.0.1 -p "$MOSQUITTO_PORT" -t 'butler-sos/#' -F '%t %r' -C 22 -W 5 >"$T_TMP/retained.sub" 2>/dev/null
is "$(grep -c ' 1$' "$T_TMP/retained.sub")" 22 "retain.health: a later subscriber gets the 22 health messages, retained"
ok "$(grep -c 'usersession' "$T_TMP/retained.sub")" "...and not the session lists (not retained)"
while read -r t _; do	# clear the retained messages for the tests after this one
	mosquitto_pub -h 127.0.0.1 -p "$MOSQUITTO_PORT" -t "$t" -n -r
done <"$T_TMP/retained.sub"

# --- the topic template: what Butler SOS never published --------------------------
sub tmpl
"$TM" -c "$CFG" "${TARGET[@]}" <"$T_TMP/fixtures.ndjson" 2>"$T_TMP/tmpl.err"
is $? 0 "with the default topic template: exit 0"
is "$(received tmpl '"topic":"senseops/' 29)" 29 "29 more records on senseops/{kind}/{host} topics"
like "$(cat "$T_TMP/tmpl.sub")" '"topic":"senseops/event_count/unknown".*\\"kind\\":\\"event_count\\"' \
	"event counts: the record as the payload, host unknown without a host tag"
like "$(cat "$T_TMP/tmpl.sub")" '"topic":"senseops/queue/unknown"' "queue records"
stop_bg "$SUB_PID"
printf '%s\n' '{"kind":"error","ts":"2026-01-01T00:00:00.000Z","tags":{"host":"q/2+#","server_name":"s2"},"tool":"sense-poll","error_type":"HEALTH_API","message":"m"}' \
	>"$T_TMP/err.ndjson"
"$TM" -c "$CFG" --dry-run --topic-template 'ops/{kind}/{tag:server_name}/{host}/{tag:nope}' <"$T_TMP/err.ndjson" >"$T_TMP/err.txt" 2>/dev/null
like "$(cut -f1 "$T_TMP/err.txt")" '^ops/error/s2/q_2__/unknown$' "--topic-template: kind, tags, host; no wildcard or level from a value"

# --- TLS --------------------------------------------------------------------------------
stop_bg "$MOSQUITTO_PID"
MOSQUITTO_CONF="allow_anonymous true
cafile $CERTS/root.pem
certfile $CERTS/server.pem
keyfile $CERTS/server_key.pem
tls_version tlsv1.2" start_mosquitto
ok $? "mosquitto with TLS started"
TLS=(--set Butler-SOS.mqttConfig.brokerHost=localhost --set "Butler-SOS.mqttConfig.brokerPort=$MOSQUITTO_PORT"
	--set Butler-SOS.mqttConfig.tls.enable=true --topic-template '')
head -5 "$T_TMP/fixtures.ndjson" >"$T_TMP/five.ndjson"
"$TM" -c "$CFG" "${TLS[@]}" --set "Butler-SOS.mqttConfig.tls.ca=$CERTS/root.pem" <"$T_TMP/five.ndjson" 2>"$T_TMP/tls.err"
is $? 0 "TLS with the right CA: exit 0"
like "$(cat "$T_TMP/tls.err")" 'published 28 messages of 5 records, 28 acknowledged' "TLS: every message acknowledged"
ok "$(grep -c 'without TLS' "$T_TMP/tls.err")" "TLS: no warning about plain TCP"
"$TM" -c "$CFG" "${TLS[@]}" --set "Butler-SOS.mqttConfig.tls.ca=$CERTS/other_root.pem" --drain-timeout 1500 \
	<"$T_TMP/five.ndjson" 2>"$T_TMP/tlsbad.err"
is $? 75 "TLS with the wrong CA: nothing published (exit 75)"
like "$(cat "$T_TMP/tlsbad.err")" 'reconnecting in' "wrong CA: refused and retried"
like "$(cat "$T_TMP/tlsbad.err")" '5 records not published yet are lost' "wrong CA: the loss is counted"
"$TM" -c "$CFG" "${TLS[@]}" --set "Butler-SOS.mqttConfig.tls.ca=$CERTS/other_root.pem" \
	--set Butler-SOS.mqttConfig.tls.rejectUnauthorized=false <"$T_TMP/five.ndjson" 2>"$T_TMP/tlsoff.err"
is $? 0 "rejectUnauthorized false: published without verification"
like "$(cat "$T_TMP/tlsoff.err")" "certificate is NOT verified" "...with a warning"

# the broker wants a client certificate
stop_bg "$MOSQUITTO_PID"
MOSQUITTO_CONF="allow_anonymous true
cafile $CERTS/root.pem
certfile $CERTS/server.pem
keyfile $CERTS/server_key.pem
require_certificate true" start_mosquitto
TLS=(--set Butler-SOS.mqttConfig.brokerHost=localhost --set "Butler-SOS.mqttConfig.brokerPort=$MOSQUITTO_PORT"
	--set Butler-SOS.mqttConfig.tls.enable=true --set "Butler-SOS.mqttConfig.tls.ca=$CERTS/root.pem" --topic-template '')
"$TM" -c "$CFG" "${TLS[@]}" --drain-timeout 1500 <"$T_TMP/five.ndjson" 2>"$T_TMP/nocert.err"
is $? 75 "client certificate required, none given: nothing published"
"$TM" -c "$CFG" "${TLS[@]}" --set "Butler-SOS.mqttConfig.tls.clientCert=$CERTS/client.pem" \
	--set "Butler-SOS.mqttConfig.tls.clientCertKey=$CERTS/client_key.pem" <"$T_TMP/five.ndjson" 2>"$T_TMP/cert.err"
is $? 0 "client certificate required and given: exit 0"
like "$(cat "$T_TMP/cert.err")" '28 acknowledged' "client certificate: every message acknowledged"
printf 'senseops-test\n' >"$T_TMP/pass"
chmod 600 "$T_TMP/pass"
"$TM" -c "$CFG" "${TLS[@]}" --set "Butler-SOS.mqttConfig.tls.clientCert=$CERTS/client.pem" \
	--set "Butler-SOS.mqttConfig.tls.clientCertKey=$CERTS/client_key_enc.pem" --passphrase-file "$T_TMP/pass" \
	<"$T_TMP/five.ndjson" 2>"$T_TMP/enc.err"
is $? 0 "an encrypted client key with its passphrase from a file: exit 0"

# --- passwords and an ACL ---------------------------------------------------------------
stop_bg "$MOSQUITTO_PID"
mosquitto_passwd -c -b "$T_TMP/passwd" senseops 'right horse' 2>/dev/null
mosquitto_passwd -b "$T_TMP/passwd" reader 'reader pw' 2>/dev/null
printf 'user senseops\ntopic write butler-sos/#\ntopic write qliksense/logevent/#\ntopic write qliksense/logevent\ntopic write probe/#\ntopic read probe/#\n\nuser reader\ntopic read #\ntopic write probe/#\n' >"$T_TMP/acl"
chmod 644 "$T_TMP/passwd" "$T_TMP/acl"
MOSQUITTO_CONF="allow_anonymous false
password_file $T_TMP/passwd
acl_file $T_TMP/acl" start_mosquitto
ok $? "mosquitto with passwords and an ACL started"
AUTH=(--set Butler-SOS.mqttConfig.brokerHost=127.0.0.1 --set "Butler-SOS.mqttConfig.brokerPort=$MOSQUITTO_PORT"
	--set Butler-SOS.mqttConfig.username=senseops --topic-template '')
printf 'wrong battery\n' >"$T_TMP/wrong.pw"
printf 'right horse\n' >"$T_TMP/right.pw"
chmod 600 "$T_TMP/wrong.pw" "$T_TMP/right.pw"
run "$TM" -c "$CFG" "${AUTH[@]}" --password-file "$T_TMP/wrong.pw"
is "$RC" 77 "wrong password: exit 77 at start"
like "$ERR" "refused the connection: .*(password|authori).* \\(password from file $T_TMP/wrong.pw\\)" \
	"wrong password: says so, and where the password came from"
ok "$(printf '%s' "$ERR" | grep -c battery)" "the password is never printed"
SUB_AUTH=(-u reader -P 'reader pw')
sub acl -u reader -P 'reader pw'
ok $? "a reading subscriber"
SENSEOPS_MQTT_PASSWORD='right horse' "$TM" -c "$CFG" "${AUTH[@]}" --set Butler-SOS.mqttConfig.protocolVersion=5 \
	<"$T_TMP/fixtures.ndjson" 2>"$T_TMP/acl.err"
is $? 0 "right password from the environment, MQTT 5: exit 0"
like "$(cat "$T_TMP/acl.err")" 'MQTT 5, QoS 1' "connected with MQTT 5"
like "$(cat "$T_TMP/acl.err")" 'the broker refused a message \(MQTT reason 135: Not authorized\)' \
	"ACL: a refused topic is reported with the MQTT 5 reason"
like "$(cat "$T_TMP/acl.err")" 'refused by the broker 24,' "ACL: the 24 user event messages are counted as refused"
is "$(received acl '"topic":"qliksense/logevent' 46)" 46 "ACL: the allowed log event topics still arrive"
is "$(grep -c '"topic":"qliksense/userevent' "$T_TMP/acl.sub")" 0 "ACL: nothing on the denied topics"
stop_bg "$SUB_PID"
SUB_AUTH=()

# --- no message lost: a broker restart and a kill -9 in the middle, QoS 1 -----------------
# gen N [DELAY_S]: N event_count records, counter 1..N
gen() {
	perl -e '$| = 1; my ($n, $d) = @ARGV;
		for my $i (1 .. $n) {
			print "{\"kind\":\"event_count\",\"ts\":\"2026-01-01T00:00:00.000Z\",\"tags\":{},\"event_type\":\"log\",\"source\":\"s\",\"host\":\"h\",\"subsystem\":\"x\",\"counter\":$i}\n";
			select(undef, undef, undef, $d) if $d;
		}' "$@"
}
# seqsub NAME: a persistent QoS 1 subscriber to seq/#, payloads one per line in $T_TMP/NAME.seq
seqsub() {
	mosquitto_sub -h 127.0.0.1 -p "$MOSQUITTO_PORT" -t 'seq/#' -q 1 -c -i "$1" -F '%p' >>"$T_TMP/$1.seq" 2>/dev/null &
	SUB_PID=$!
	T_PIDS+=("$SUB_PID")
	# subscribed once a probe comes back (a fixed sleep is too short on a loaded machine)
	local i
	for i in $(seq 100); do
		mosquitto_pub -h 127.0.0.1 -p "$MOSQUITTO_PORT" -t seq/probe -q 1 -m "probe $i" 2>/dev/null
		grep -q '^probe ' "$T_TMP/$1.seq" 2>/dev/null && break
		sleep 0.1
	done
}
# distinct NAME N: waits (20 s at most) for N distinct counters; prints "distinct total"
distinct() {
	local i d=0
	for i in $(seq 200); do
		d=$(grep -o '"counter":[0-9]*' "$T_TMP/$1.seq" | sort -u | wc -l)
		[ "$d" -ge "$2" ] && break
		sleep 0.1
	done
	echo "$d $(wc -l <"$T_TMP/$1.seq")"
}
stop_bg "$MOSQUITTO_PID"
MOSQUITTO_PERSIST=1 start_mosquitto
ok $? "mosquitto with persistent sessions started"
SEQ=(--set Butler-SOS.mqttConfig.brokerHost=127.0.0.1 --set "Butler-SOS.mqttConfig.brokerPort=$MOSQUITTO_PORT"
	--topic-template 'seq/{kind}')
seqsub restart
gen 2000 0.002 | "$TM" -c "$CFG" "${SEQ[@]}" --drain-timeout 60000 2>"$T_TMP/restart.err" &
TM_PID=$!
T_PIDS+=("$TM_PID")
sleep 1.5
stop_bg "$MOSQUITTO_PID"
sleep 2
restart_mosquitto
ok $? "broker restarted on the same port and sessions"
# the same subscriber again (its session kept what arrived meanwhile)
stop_bg "$SUB_PID"
seqsub restart
wait "$TM_PID"
is $? 0 "broker restart: to-mqtt exits 0 once everything is acknowledged"
like "$(cat "$T_TMP/restart.err")" 'reconnecting in' "broker restart: reconnected"
read -r d total <<<"$(distinct restart 2000)"
is "$d" 2000 "broker restart: every one of 2000 numbered records arrived ($total messages, duplicates allowed)"
stop_bg "$SUB_PID"

# kill -9 while the broker is down: the spool has the records
gen 500 >"$T_TMP/k1.ndjson"
stop_bg "$MOSQUITTO_PID"
"$TM" -c "$CFG" "${SEQ[@]}" --spool "$T_TMP/spool1" --drain-timeout 60000 <"$T_TMP/k1.ndjson" 2>"$T_TMP/k1.err" &
TM_PID=$!
T_PIDS+=("$TM_PID")
for _ in $(seq 100); do
	[ "$(cat "$T_TMP"/spool1/seg-*.ndjson 2>/dev/null | wc -l)" -eq 500 ] && break
	sleep 0.1
done
is "$(cat "$T_TMP"/spool1/seg-*.ndjson | wc -l)" 500 "broker down: 500 records in the spool"
kill -9 "$TM_PID"
wait "$TM_PID" 2>/dev/null
restart_mosquitto
seqsub kill1
"$TM" -c "$CFG" "${SEQ[@]}" --spool "$T_TMP/spool1" </dev/null 2>"$T_TMP/k1b.err"
is $? 0 "restarted on the spool alone: exit 0"
read -r d total <<<"$(distinct kill1 500)"
is "$d" 500 "kill -9: the spool delivered all 500 records"
stop_bg "$SUB_PID"

# kill -9 in the middle of publishing; the restart reads the whole input again
gen 3000 >"$T_TMP/k2.ndjson"
seqsub kill2
perl -pe 'select(undef, undef, undef, 0.0005)' "$T_TMP/k2.ndjson" | "$TM" -c "$CFG" "${SEQ[@]}" --spool "$T_TMP/spool2" \
	2>"$T_TMP/k2.err" &
TM_PID=$!
T_PIDS+=("$TM_PID")
sleep 1
kill -9 "$TM_PID"
wait "$TM_PID" 2>/dev/null
"$TM" -c "$CFG" "${SEQ[@]}" --spool "$T_TMP/spool2" <"$T_TMP/k2.ndjson" 2>"$T_TMP/k2b.err"
is $? 0 "restarted with the same spool and input: exit 0"
read -r d total <<<"$(distinct kill2 3000)"
is "$d" 3000 "kill -9 mid-stream: all 3000 records arrived (at least once: $total messages)"
[ "$d" = 3000 ] || sed 's/^/#   /' "$T_TMP/k2.err" "$T_TMP/k2b.err" | tail -n 12
stop_bg "$SUB_PID"

# SIGTERM: stops reading, publishes what it read, exits in time
seqsub term
gen 100000 0.0002 | "$TM" -c "$CFG" "${SEQ[@]}" 2>"$T_TMP/term.err" &
TM_PID=$!
T_PIDS+=("$TM_PID")
sleep 1.5
t0=$(date +%s%N)
kill -TERM "$TM_PID"
wait "$TM_PID"
is $? 0 "SIGTERM: exit 0"
ok "$([ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 5000 ]; echo $?)" "SIGTERM: gone within 5 s"
read_n=$(sed -n 's/.*msg="read \([0-9]*\) records.*/\1/p' "$T_TMP/term.err")
like "$(cat "$T_TMP/term.err")" 'pending 0"' "SIGTERM: nothing left unpublished"
read -r d total <<<"$(distinct term "$read_n")"
is "$d" "$read_n" "SIGTERM: every record read ($read_n) arrived"
stop_bg "$SUB_PID"

# --- bad input and oversized messages ---------------------------------------------------------
stop_bg "$MOSQUITTO_PID"
MOSQUITTO_CONF="allow_anonymous true
max_packet_size 4096" start_mosquitto
ok $? "mosquitto with a 4 kB packet limit started"
{
	printf '%s\n' 'not json' '[1,2]' '{"kind":"log_event"}' '{"kind":"nosuchkind","ts":"2026-01-01T00:00:00.000Z","tags":{"host":"h1"}}'
	printf '{"kind":"log_event","ts":"2026-01-01T00:00:00.000Z","tags":{},"source":"qseow-proxy","log_row":1,"level":"WARN","host":"h","subsystem":"A.B","message":"%s"}\n' "$(head -c 9000 /dev/zero | tr '\0' 'x')"
	printf '{"kind":"log_event","ts":"2026-01-01T00:00:00.000Z","tags":{},"source":"qseow-proxy","log_row":2,"level":"WARN","host":"h","subsystem":"Sys+#.Eng","message":"small \\"quoted\\" \\u00e9"}\n'
	printf '{"kind":"health","ts":"2026-01-01T00:00:00.000Z","tags":{}}\n'
	printf '{"kind":"log_event","ts":"2026-01-01T00:00:00.006Z","tags":{},"message":"nul \0 byte"}\n'
	printf '{"kind":"log_event","ts":"2026-01-01T00:00:00.007Z","tags":{},"message":"bad \xff utf8"}\n'
} >"$T_TMP/bad.ndjson"
SUB_AUTH=()
sub bad
"$TM" -c "$CFG" --set Butler-SOS.mqttConfig.brokerHost=127.0.0.1 --set "Butler-SOS.mqttConfig.brokerPort=$MOSQUITTO_PORT" \
	--set Butler-SOS.mqttConfig.protocolVersion=5 <"$T_TMP/bad.ndjson" 2>"$T_TMP/bad.err"
is $? 0 "bad input: exit 0, the stream goes on"
like "$(cat "$T_TMP/bad.err")" 'a message to qliksense/logevent cannot be sent: [0-9]+ bytes is more than the broker takes' \
	"an oversized message: reported with the broker's limit"
like "$(cat "$T_TMP/bad.err")" 'msg="read 7 records; published 3 messages of 7 records, 3 acknowledged; refused by the broker 0, unsendable 2, given up 0, bad 4,' \
	"counted: 2 unsendable, 4 bad records; NUL and bad UTF-8 lines never reach the queue"
is "$(received bad '"topic":"senseops/nosuchkind/h1"' 1)" 1 "an unknown kind is published on the template topic"
is "$(received bad '"topic":"qliksense/logevent' 2)" 2 "the small log event arrives on both topics"
like "$(cat "$T_TMP/bad.sub")" '"topic":"qliksense/logevent/sys__/eng"' "wildcards in a subsystem never reach a topic"
like "$(cat "$T_TMP/bad.sub")" 'small \\\\\\"quoted\\\\\\" é' "escapes and UTF-8 in payloads"
stop_bg "$SUB_PID"

# --- configuration and usage errors -------------------------------------------------------
run "$TM" -c "$CFG" --set Butler-SOS.mqttConfig.enable=false
is "$RC" 78 "mqttConfig.enable false: exit 78"
like "$ERR" 'mqttConfig.enable is false' "...and says why"
run "$TM" -c "$CFG" --set Butler-SOS.mqttConfig.protocolVersion=6
is "$RC" 78 "protocolVersion 6: exit 78"
run "$TM" -c "$CFG" --set Butler-SOS.mqttConfig.qos=3
is "$RC" 78 "qos 3: exit 78"
run "$TM" -c "$CFG" --set "Butler-SOS.logEvents.sendToMQTT.baseTopic=a/+/b"
is "$RC" 78 "a wildcard in a topic to publish to: exit 78"
printf 'Butler-SOS:\n  mqttConfig:\n    password: hunter2\n' >"$T_TMP/pw.yaml"
run "$TM" -c "$T_TMP/pw.yaml"
is "$RC" 78 "a password without a username: exit 78"
run "$TM" -c "$T_TMP/pw.yaml" --print-config
ok "$(printf '%s' "$OUT$ERR" | grep -c hunter2)" "--print-config hides the password"
run "$TM" -c "$CFG" --set Butler-SOS.mqttConfig.password=hunter2
is "$RC" 64 "a password on the command line is refused"
run "$TM" -c "$CFG" --dry-run --spool /proc/senseops-no-such-dir/x
is "$RC" 73 "a spool that cannot be created: exit 73"
run "$TM" --no-such-option
is "$RC" 64 "unknown option: exit 64"

done_testing
