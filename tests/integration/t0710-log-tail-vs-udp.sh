#!/usr/bin/env bash
# t0710-log-tail-vs-udp: the same Sense event read from a log file by
# log-tail and received over UDP by udp-listen gives the same InfluxDB
# points (1.x, 2.x, 3.x) and the same MQTT topics and payload fields; only
# log-tail's log_type and log_file tags, its extra object and the raw_event
# copy that carries them differ.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
need perl python3

UL=$BIN/udp-listen
LT=$BIN/log-tail
QIX=(--set Butler-SOS.logEvents.enginePerformanceMonitor.enable=true
	--set Butler-SOS.logEvents.enginePerformanceMonitor.monitorFilter.allApps.enable=true)

# One event per source: the datagram, then the file (name, header, row).
mkdir -p "$T_TMP/logs"
cat >"$T_TMP/dgrams" <<'EOF_D'
/qseow-proxy/;88101;20241105T063001.099+0100;2024-11-05 06:30:01,099;WARN;qse-node1;System.Proxy.Proxy.Core.QPSMain;CORP\svc;Proxy "quoted", spaced=1;System.Net.WebException: boom;CORP;jdoe;Start session;403;AppAccess;/hub/
/qseow-repository/;300401;20241105T071012.305+0100;2024-11-05 07:10:12,305;ERROR;qse-node1;System.Repository.Repository.Core.Status.EngineHealthCheckWorker;CORP\svc;Engine health check failed;The operation has timed out;INTERNAL;sa_repository;Check;500;Engine;/healthcheck
/qseow-scheduler/;61201;20241105T081200.003+0100;2024-11-05 08:12:00,003;INFO;qse-node1;System.Scheduler.Scheduler.Master.Task.TaskSession;CORP\svc;Execution State Change to Started;;INTERNAL;sa_scheduler;INTERNAL\sa_scheduler;Reload Sales;Sales Dashboard;6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d;e7af59a0-c243-480d-9571-08727551a66f;eb5cf467-80ba-4d64-ba0e-cfea958ca9ba
/qseow-engine/;20011;20241105T063012.044+0100;2024-11-05 06:30:12,044;WARN;qse-node1;System.Engine.Engine;CORP\svc;Document could not be saved;8a3b8d5e-1f2c-4f6e-9b7a-2c1d0e9f4a11;CORP;anna;20241105T063012.044+0100;2d6f1c8a-9b3e-4f7d-8a21-5c4e3b2a1f90;14.187.4;20241105T063012.000+0100;Warning;5f0c2d1e-7a8b-4c9d-8e0f-1a2b3c4d5e6f;e7af59a0-c243-480d-9571-08727551a66f
/qseow-qix-perf/;5101;20241105T080215.007+0100;2024-11-05 08:02:15,007;INFO;qse-node1;QixPerformance.Engine.Engine;CORP\svc;4daa2b5345d6856657a54b48d3923cc6ee217883;CORP;jdoe;20241105T080215.007+0100;21e8ac68-43e4-4caf-8181-a8cc369147eb;e7af59a0-c243-480d-9571-08727551a66f;1;Global::OpenApp;1843.212;1787.916;1.843;18.432;368.642;-1;<Unknown>;188743680;402653184;<Unknown>
EOF_D
# tsv NAME HEADER ROW: a Sense log file (BOM, CRLF) with one row; fields given with | between
tsv() {
	printf '\xef\xbb\xbf%s\r\n%s\r\n' "$(tr '|' '\t' <<<"$2")" "$(tr '|' '\t' <<<"$3")" >"$T_TMP/logs/$1"
}
tsv QSE_System_Proxy.txt \
	'Sequence#|Timestamp|Level|Hostname|Logger|Thread|Id|ServiceUser|Message|Exception|StackTrace|ProxySessionId|UserDirectory|UserId|Command|Result|Origin|Context|Id2' \
	'88101|20241105T063001.099+0100|WARN|qse-node1|System.Proxy.Proxy.Core.QPSMain|1|x|CORP\svc|Proxy "quoted", spaced=1|System.Net.WebException: boom||0|CORP|jdoe|Start session|403|AppAccess|/hub/|x'
tsv QSE_System_Repository.txt \
	'Sequence#|Timestamp|Level|Hostname|Logger|Thread|Id|ServiceUser|Message|Exception|StackTrace|UserDirectory|UserId|Command|Result|Origin|Context|Id2' \
	'300401|20241105T071012.305+0100|ERROR|qse-node1|System.Repository.Repository.Core.Status.EngineHealthCheckWorker|58|x|CORP\svc|Engine health check failed|The operation has timed out||INTERNAL|sa_repository|Check|500|Engine|/healthcheck|x'
tsv QSE_System_Scheduler.txt \
	'Sequence#|Timestamp|Level|Hostname|Logger|Thread|Id|ServiceUser|Message|Exception|StackTrace|UserDirectory|UserId|User|TaskName|AppName|TaskId|AppId|ExecutionId|Id2' \
	'61201|20241105T081200.003+0100|INFO|qse-node1|System.Scheduler.Scheduler.Master.Task.TaskSession|21|x|CORP\svc|Execution State Change to Started|||INTERNAL|sa_scheduler|INTERNAL\sa_scheduler|Reload Sales|Sales Dashboard|6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d|e7af59a0-c243-480d-9571-08727551a66f|eb5cf467-80ba-4d64-ba0e-cfea958ca9ba|x'
tsv QSE_System_Engine.txt \
	'Sequence#|Timestamp|Level|Hostname|Logger|Thread|Id|ServiceUser|Message|ProxySessionId|ActiveUserDirectory|ActiveUserId|EngineTimestamp|ProcessId|Exe Version|Server Started|Entry Type|SessionId|AppId|Id2' \
	'20011|20241105T063012.044+0100|WARN|qse-node1|System.Engine.Engine|4120|x|CORP\svc|Document could not be saved|8a3b8d5e-1f2c-4f6e-9b7a-2c1d0e9f4a11|CORP|anna|20241105T063012.044+0100|2d6f1c8a-9b3e-4f7d-8a21-5c4e3b2a1f90|14.187.4|20241105T063012.000+0100|Warning|5f0c2d1e-7a8b-4c9d-8e0f-1a2b3c4d5e6f|e7af59a0-c243-480d-9571-08727551a66f|x'
tsv QSE_QixPerformance_Engine.txt \
	'Sequence#|Timestamp|Level|Hostname|Logger|Thread|Id|ServiceUser|ProxySessionId|ActiveUserDirectory|ActiveUserId|EngineTimestamp|CServerId|DocId|RequestId|Method|ProcessTime|WorkTime|LockTime|ValidateTime|TraverseTime|Handle|ObjectId|NetRAM|PeakRAM|ObjectType|Id2' \
	'5101|20241105T080215.007+0100|INFO|qse-node1|QixPerformance.Engine.Engine|6612|x|CORP\svc|4daa2b5345d6856657a54b48d3923cc6ee217883|CORP|jdoe|20241105T080215.007+0100|21e8ac68-43e4-4caf-8181-a8cc369147eb|e7af59a0-c243-480d-9571-08727551a66f|1|Global::OpenApp|1843.212|1787.916|1.843|18.432|368.642|-1|<Unknown>|188743680|402653184|<Unknown>|x'

# the datagrams through udp-listen
LP=$(free_port)
mkfifo "$T_TMP/ready"
exec 8<>"$T_TMP/ready"
"$UL" --log-listen "127.0.0.1:$LP" --user-listen off --ready-fd 3 "${QIX[@]}" 3>"$T_TMP/ready" \
	>"$T_TMP/udp.ndjson" 2>"$T_TMP/udp.err" &
UL_PID=$!
T_PIDS+=("$UL_PID")
read -r -t 10 _ <&8
ok $? "udp-listen ready"
exec 8<&-
"$TOP/tests/udpsend" "$LP" "$T_TMP/dgrams" >/dev/null
for _ in $(seq 100); do [ "$(grep -c . "$T_TMP/udp.ndjson")" -ge 5 ] && break; sleep 0.05; done
kill -TERM "$UL_PID"
wait "$UL_PID"
grep -E '"kind":"(log_event|qix_perf)"' "$T_TMP/udp.ndjson" >"$T_TMP/udp.events"
is "$(grep -c . "$T_TMP/udp.events")" 5 "udp-listen: 5 event records"

"$LT" --once "${QIX[@]}" "$T_TMP/logs" >"$T_TMP/file.ndjson" 2>"$T_TMP/lt.err"
is "$?" 0 "log-tail --once: exit 0"
is "$(grep -c . "$T_TMP/file.ndjson")" 5 "log-tail: 5 records"

# The record fields both have must be equal; the ones only log-tail has are extra, log_type, log_file.
python3 - "$T_TMP/udp.events" "$T_TMP/file.ndjson" >"$T_TMP/fields" <<'EOF_P'
import json, sys
def load(p):
    return {(r["source"], r["log_row"]): r for r in map(json.loads, open(p))}
u, f = load(sys.argv[1]), load(sys.argv[2])
for key in sorted(u):
    a, b = u[key], f.get(key, {})
    diff = [k for k in a if k not in ("tags",) and a.get(k) != b.get(k)
            and not (k in ("ts_iso", "ts_local") and a.get(k) == "")]
    only = sorted(set(b) - set(a) - {"extra"})
    print(key[0], "same" if not diff and not only else "differ: %s %s" % (diff, only))
EOF_P
for s in qseow-proxy qseow-repository qseow-scheduler qseow-engine qseow-qix-perf; do
	like "$(grep "^$s " "$T_TMP/fields")" "^$s same$" "$s: the record fields are the same"
done

# InfluxDB line protocol, each version: the same points once log-tail's own tags and raw_event are set aside
cat >"$T_TMP/influx.yaml" <<'EOF_Y'
Butler-SOS:
  influxdbConfig:
    v2Config: {org: senseops, bucket: sense, token: t0710}
    v3Config: {database: sense, token: t0710}
EOF_Y
# (to-influx puts a hash of the record below the millisecond, to store each record once)
strip() { sed -E 's/,log_type=[^, ]*//; s/,log_file=[^, ]*//; s/,raw_event="([^"\\]|\\.)*"//; s/[0-9]{6}$//' | sort; }
for v in 1 2 3; do
	for src in udp.events file.ndjson; do
		"$BIN/to-influx" -c "$T_TMP/influx.yaml" --dry-run --set Butler-SOS.influxdbConfig.version=$v \
			<"$T_TMP/$src" 2>/dev/null | strip >"$T_TMP/${src%%.*}.lp$v"
	done
	is "$(grep -c . "$T_TMP/file.lp$v")" 5 "InfluxDB v$v: 5 points from the file"
	diff "$T_TMP/udp.lp$v" "$T_TMP/file.lp$v" >"$T_TMP/lp.diff$v"
	ok $? "InfluxDB v$v: the same points from UDP and from the file$( [ -s "$T_TMP/lp.diff$v" ] && printf ' (%s)' "$(head -c 300 "$T_TMP/lp.diff$v" | tr '\n' ' ')")"
done

# MQTT: the same topics
mq=(--dry-run --set Butler-SOS.mqttConfig.enable=true --set Butler-SOS.logEvents.sendToMQTT.enable=true
	--set Butler-SOS.logEvents.sendToMQTT.postTo.baseTopic=true
	--set Butler-SOS.logEvents.sendToMQTT.postTo.subsystemTopics=true)
"$BIN/to-mqtt" "${mq[@]}" <"$T_TMP/udp.events" 2>/dev/null | cut -f1 | sort >"$T_TMP/udp.topics"
"$BIN/to-mqtt" "${mq[@]}" <"$T_TMP/file.ndjson" 2>/dev/null | cut -f1 | sort >"$T_TMP/file.topics"
ok "$([ -s "$T_TMP/udp.topics" ] && echo 0 || echo 1)" "MQTT: topics published ($(grep -c . "$T_TMP/udp.topics"))"
is "$(cat "$T_TMP/file.topics")" "$(cat "$T_TMP/udp.topics")" "MQTT: the same topics from UDP and from the file"

done_testing
