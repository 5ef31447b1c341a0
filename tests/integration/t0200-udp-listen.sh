#!/usr/bin/env bash
# t0200-udp-listen: udp-listen end to end over real UDP sockets on loopback:
# every fixture datagram, the Butler SOS golden payloads, counters, every
# rejection reason, hostile input, signals and configuration errors.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

UL=$BIN/udp-listen
SEND=$TOP/tests/udpsend
CFG=$FIXTURES/expected/butler-sos-config-used.yaml
[ -r "$CFG" ] || skip_all "no fixtures at $FIXTURES"
need perl

cat >"$T_TMP/names.ndjson" <<'NAMES'
{"id":"e7af59a0-c243-480d-9571-08727551a66f","name":"Sales forecast"}
{"id":"d7cf16f9-6a95-462a-9ff1-a6d413326de4","name":"Budget 2025"}
{"id":"6931136d-c234-4358-a40c-e37153aba7c9","name":"Sales basket analysis"}
{"id":"5b817efe-f7cc-4f38-9d1f-b2f3cbbbb42b","name":"Inventory analysis"}
NAMES

# start_ul NAME ARGS...: udp-listen on free ports, stdout to $T_TMP/NAME.out;
# waits for readiness. Sets LP, UP, UL_PID.
start_ul() {
	local name=$1
	shift
	LP=$(free_port)
	UP=$(free_port)
	while [ "$UP" = "$LP" ]; do UP=$(free_port); done
	rm -f "$T_TMP/ready.$name"
	mkfifo "$T_TMP/ready.$name"
	exec 8<>"$T_TMP/ready.$name"
	"$UL" --log-listen "127.0.0.1:$LP" --user-listen "127.0.0.1:$UP" --ready-fd 3 "$@" \
		3>"$T_TMP/ready.$name" >"$T_TMP/$name.out" 2>"$T_TMP/$name.err" &
	UL_PID=$!
	T_PIDS+=("$UL_PID")
	read -r -t 10 _ <&8
	local r=$?
	exec 8<&-
	return $r
}

stop_ul() {	# SIGTERM, then the exit status in $UL_RC
	kill -TERM "$UL_PID"
	wait "$UL_PID"
	UL_RC=$?
}

count() { grep -c "\"kind\":\"$1\"" "$2"; }

# queue_field TYPE FIELD FILE: the last queue record's field of that socket
queue_field() {
	grep "\"queue_type\":\"$1\"" "$3" | tail -1 | grep -o "\"$2\":[0-9.]*" | cut -d: -f2
}

# --- the fixtures through the real sockets ----------------------------------
start_ul fix -c "$CFG" --app-names "$T_TMP/names.ndjson"
ok $? "ready on --ready-fd after binding both sockets"
"$SEND" "$LP" "$FIXTURES/log-events.txt" "$FIXTURES/qix-perf.txt" "$FIXTURES/log-events-edge.txt" >/dev/null
"$SEND" "$UP" "$FIXTURES/user-events.txt" "$FIXTURES/user-events-edge.txt" >/dev/null
stop_ul
is "$UL_RC" 0 "SIGTERM: exit 0"
OUTF=$T_TMP/fix.out
"$TOOLS/record-lint" "$OUTF" >/dev/null 2>"$T_TMP/lint.err"
ok $? "every record valid against senseops-records(7)"
is "$(count log_event "$OUTF")" 19 "19 log events (14 + 7 edge - drop rule - unknown type)"
is "$(count qix_perf "$OUTF")" 4 "4 qix-perf events accepted (lines 2, 4, 5 rejected)"
is "$(count user_event "$OUTF")" 12 "12 user events (13 - 1 unknown type)"
is "$(count rejected_event_count "$OUTF")" 3 "3 rejected_event_count keys"
like "$(cat "$OUTF")" '"kind":"rejected_event_count".*"app_name":"Budget 2025".*"counter":1,"process_time":2511.904' \
	"rejected qix-perf event counted with its process time"
like "$(cat "$OUTF")" '"event_type":"log","source":"qseow-printing","host":"qliksense1.corp.example.com","subsystem":"System.Printing.Printing","counter":1' \
	"unknown type counted under its real host and subsystem"
like "$(cat "$OUTF")" '"event_type":"user","source":"qseow-proxy-connection","host":"qliksense1.corp.example.com","subsystem":"AppAccess","counter":4' \
	"user events counted by origin"
is "$(count queue "$OUTF")" 2 "a queue record per socket at stop"
is "$(queue_field log_events messages_received "$OUTF")" 28 "log socket received 28 datagrams"
is "$(queue_field log_events messages_dropped_rule "$OUTF")" 1 "one dropped by the drop rule"
is "$(queue_field log_events messages_qix_rejected "$OUTF")" 3 "three rejected by the qix filters"
is "$(queue_field log_events messages_unknown_type "$OUTF")" 1 "one unknown type"
is "$(queue_field user_events messages_received "$OUTF")" 13 "user socket received 13 datagrams"
is "$(queue_field user_events messages_dropped_total "$OUTF")" 0 "nothing dropped"

# field by field against what Butler SOS published over MQTT for the same input
"$TOP/tests/records-vs-mqtt" "$OUTF" "$FIXTURES/expected/mqtt-messages.json" >"$T_TMP/golden"
like "$(tail -1 "$T_TMP/golden")" 'summary: 32 matched, 3 differ, 1 missing' "32 of 36 golden payloads identical"
like "$(cat "$T_TMP/golden")" '^missing qseow-engine\|1461$' "difference 1: the drop rule drops (Butler SOS ignores it)"
like "$(cat "$T_TMP/golden")" '^differ qseow-proxy\|3100: command "Open" "jdoe"' "difference 2: a ';' in the message no longer shifts fields"
like "$(cat "$T_TMP/golden")" '^differ qseow-proxy\|3101: command "" "undefined"' "difference 3: missing fields are empty, not \"undefined\""
like "$(cat "$T_TMP/golden")" '^differ user10: context "" "undefined"; message "" "undefined"$' "difference 3 for a short user event"

# --- every rejection reason ---------------------------------------------------
printf '/qseow-proxy/;1;x;x;WARN;host;sub;u;%02000d;;;;;;;' 0 >"$T_TMP/big"
start_ul size --set Butler-SOS.logEvents.udpServerConfig.maxMessageSize=1000
"$SEND" --raw "$LP" "$T_TMP/big" >/dev/null
"$SEND" "$LP" "$FIXTURES/log-events.txt" >/dev/null
stop_ul
is "$(queue_field log_events messages_dropped_size "$T_TMP/size.out")" 1 "maxMessageSize: oversized datagram counted"
is "$(count log_event "$T_TMP/size.out")" 14 "maxMessageSize: the others pass"

start_ul rate --set Butler-SOS.logEvents.udpServerConfig.rateLimit.enable=true \
	--set Butler-SOS.logEvents.udpServerConfig.rateLimit.maxMessagesPerMinute=5
"$SEND" "$LP" "$FIXTURES/log-events.txt" >/dev/null
stop_ul
is "$(count log_event "$T_TMP/rate.out")" 5 "rateLimit: 5 per minute admitted"
is "$(queue_field log_events messages_dropped_rate_limit "$T_TMP/rate.out")" 9 "rateLimit: 9 counted"

start_ul rsrc --set Butler-SOS.logEvents.udpServerConfig.rateLimit.enable=true \
	--set Butler-SOS.logEvents.udpServerConfig.rateLimit.maxMessagesPerMinutePerSource=3
"$SEND" "$LP" "$FIXTURES/log-events.txt" >/dev/null
stop_ul
is "$(count log_event "$T_TMP/rsrc.out")" 3 "per-source rate limit: 3 admitted"

cat >"$T_TMP/deny.yaml" <<'YAML'
Butler-SOS:
  logEvents:
    udpServerConfig:
      enableSourceValidation: true
      allowedSources:
        - 192.0.2.0/24
        - 2001:db8::1
YAML
start_ul deny -c "$T_TMP/deny.yaml"
"$SEND" "$LP" "$FIXTURES/log-events.txt" >/dev/null
stop_ul
is "$(count log_event "$T_TMP/deny.out")" 0 "allowedSources: other senders refused"
is "$(queue_field log_events messages_dropped_source "$T_TMP/deny.out")" 14 "allowedSources: refusals counted"
sed -i 's|192.0.2.0/24|127.0.0.0/8|' "$T_TMP/deny.yaml"
start_ul allow -c "$T_TMP/deny.yaml"
"$SEND" "$LP" "$FIXTURES/log-events.txt" >/dev/null
stop_ul
is "$(count log_event "$T_TMP/allow.out")" 14 "allowedSources: a CIDR range admits loopback"
printf 'Butler-SOS:\n  logEvents:\n    udpServerConfig:\n      enableSourceValidation: true\n      allowedSources:\n        - localhost\n' >"$T_TMP/name.yaml"
start_ul name -c "$T_TMP/name.yaml"
for _ in $(seq 100); do grep -q 'resolved' "$T_TMP/name.err" 2>/dev/null && break; sleep 0.05; done
"$SEND" "$LP" "$FIXTURES/log-events.txt" >/dev/null
stop_ul
ok "$([ "$(count log_event "$T_TMP/name.out")" -ge 0 ] && echo 0 || echo 1)" "allowedSources with a host name runs"

printf 'Butler-SOS:\n  logEvents:\n    source:\n      proxy:\n        enable: false\n' >"$T_TMP/src.yaml"
start_ul src -c "$T_TMP/src.yaml"
"$SEND" "$LP" "$FIXTURES/log-events.txt" >/dev/null
stop_ul
is "$(count log_event "$T_TMP/src.out")" 11 "a disabled source is not turned into records"
is "$(queue_field log_events messages_source_disabled "$T_TMP/src.out")" 3 "and is counted"

# --- hostile input: the listener keeps serving ---------------------------------
mkdir -p "$T_TMP/bad"
: >"$T_TMP/bad/empty"
printf 'x' >"$T_TMP/bad/one"
head -c 65000 /dev/zero | tr '\0' ';' >"$T_TMP/bad/semicolons"
{ printf '/qseow-proxy/;'; head -c 60000 /dev/zero | tr '\0' ';'; } >"$T_TMP/bad/proxy-semicolons"
printf '/qseow-engine/;1;\xff\xfe;\x00\x01;WARN' >"$T_TMP/bad/binary"
head -c 4000 /dev/urandom >"$T_TMP/bad/random"
printf '/qseow-proxy/;3021;20240312' >"$T_TMP/bad/truncated"
printf 'qseow-proxy;no slashes' >"$T_TMP/bad/prefix"
start_ul bad
"$SEND" --raw "$LP" "$T_TMP"/bad/* >/dev/null
"$SEND" --raw "$UP" "$T_TMP"/bad/* >/dev/null
"$SEND" "$LP" "$FIXTURES/log-events.txt" >/dev/null
kill -0 "$UL_PID"
ok $? "still running after hostile datagrams"
stop_ul
is "$UL_RC" 0 "clean exit after hostile input"
"$TOOLS/record-lint" "$T_TMP/bad.out" >/dev/null 2>&1
ok $? "every record still valid"
is "$(grep -c '"kind":"log_event".*"host":"qliksense' "$T_TMP/bad.out")" 14 "the good datagrams after them all arrived"
received=$(queue_field log_events messages_received "$T_TMP/bad.out")
processed=$(queue_field log_events messages_processed "$T_TMP/bad.out")
is "$received" 22 "22 datagrams received on the log socket"
is "$processed" 22 "every one accounted for"

# --- configuration ------------------------------------------------------------------
run "$UL" -c "$SHARED/reference/butler-sos-production-template.yaml" --check-config
is "$RC" 0 "the Butler SOS template passes --check-config"
run "$UL" -c "$SHARED/reference/butler-sos-production-template.yaml"
is "$RC" 78 "the template's <IP or FQDN> placeholder: exit 78"
like "$ERR" 'butler-sos-production-template.yaml:[0-9]+: Butler-SOS.logEvents.udpServerConfig.serverHost' "names file, line and key"
printf 'Butler-SOS:\n  logEvents:\n    udpServerConfig:\n      enableSourceValidation: true\n' >"$T_TMP/open.yaml"
run "$UL" -c "$T_TMP/open.yaml" -n
is "$RC" 78 "source validation with no allowed sources is refused (Butler SOS fails open)"
printf 'Butler-SOS:\n  logEvents:\n    udpServerConfig:\n      portLogEvents: "9996"\n' >"$T_TMP/type.yaml"
run "$UL" -c "$T_TMP/type.yaml" -n
is "$RC" 78 "a quoted port is a string: 78"
like "$ERR" "type.yaml:4: Butler-SOS.logEvents.udpServerConfig.portLogEvents" "file:line and key"
run "$UL" --log-listen nonsense
is "$RC" 64 "bad --log-listen: 64"
start_ul busy
run "$UL" --log-listen "127.0.0.1:$LP" --user-listen off
is "$RC" 69 "port in use: 69"
like "$ERR" "unable to bind 127.0.0.1:$LP" "says which address"
stop_ul
run "$UL" --log-listen off --user-listen off
is "$RC" 78 "nothing to listen on: 78"

# IPv6
if [ -r /proc/net/if_inet6 ] && grep -q ' lo$' /proc/net/if_inet6; then
	p6=$(free_port)
	mkfifo "$T_TMP/ready6"
	exec 8<>"$T_TMP/ready6"
	"$UL" --log-listen "[::1]:$p6" --user-listen off --ready-fd 3 3>"$T_TMP/ready6" >"$T_TMP/v6.out" 2>/dev/null &
	UL_PID=$!
	T_PIDS+=("$UL_PID")
	read -r -t 10 _ <&8
	exec 8<&-
	"$SEND" -6 "$p6" "$FIXTURES/log-events.txt" >/dev/null
	stop_ul
	is "$(count log_event "$T_TMP/v6.out")" 14 "IPv6 listener"
else
	ok 0 "# SKIP no IPv6 loopback"
fi

done_testing
