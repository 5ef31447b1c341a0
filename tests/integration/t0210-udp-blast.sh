#!/usr/bin/env bash
# t0210-udp-blast: udp-blast -> udp-listen -> file: every sequence number of
# every message type arrives exactly once.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
need perl

COUNT=20000
cat >"$T_TMP/sos.yaml" <<'YAML'
Butler-SOS:
  logEvents:
    udpServerConfig:
      messageQueue:
        maxSize: 100000
    enginePerformanceMonitor:
      enable: true
      monitorFilter:
        allApps:
          enable: true
  userEvents:
    udpServerConfig:
      messageQueue:
        maxSize: 100000
YAML
LP=$(free_port)
UP=$(free_port)
while [ "$UP" = "$LP" ]; do UP=$(free_port); done
mkfifo "$T_TMP/ready"
exec 8<>"$T_TMP/ready"
"$BIN/udp-listen" -c "$T_TMP/sos.yaml" --log-listen "127.0.0.1:$LP" --user-listen "127.0.0.1:$UP" \
	--ready-fd 3 3>"$T_TMP/ready" >"$T_TMP/out" 2>"$T_TMP/err" &
UL=$!
T_PIDS+=("$UL")
read -r -t 10 _ <&8
ok $? "udp-listen ready"

run "$TOOLS/udp-blast" --log "127.0.0.1:$LP" --user "127.0.0.1:$UP" --count "$COUNT" --rate 20000 --seed 7
is "$RC" 0 "udp-blast exits 0"
like "$OUT" "^sent $COUNT datagrams" "udp-blast sent $COUNT"
kill -TERM "$UL"
wait "$UL"
is "$?" 0 "udp-listen stops cleanly"
"$TOP/tests/seqcheck" "$COUNT" "$T_TMP/out" >"$T_TMP/seq"
ok $? "every sequence number arrived once: $(cat "$T_TMP/seq")"
for k in log_event qix_perf user_event; do
	n=$(grep -c "\"kind\":\"$k\"" "$T_TMP/out")
	ok "$([ "$n" -gt 0 ] && echo 0 || echo 1)" "$k records among them ($n)"
done
"$TOOLS/record-lint" "$T_TMP/out" >/dev/null
ok $? "all records valid"
grep '"kind":"queue"' "$T_TMP/out" | grep -o '"messages_dropped_total":[0-9]*' | sort -u >"$T_TMP/drops"
is "$(cat "$T_TMP/drops")" '"messages_dropped_total":0' "no drops reported"

run "$TOOLS/udp-blast" --log 192.0.2.1:9996 --count 1
is "$RC" 64 "udp-blast refuses a non-loopback destination"
done_testing
