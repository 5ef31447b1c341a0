#!/usr/bin/env bash
# t0720-log-tail-to-pg: log-tail | to-pg against a real PostgreSQL while Sense
# writes and rolls over its logs (X.txt and the rolled-over X_<stamp>Z.log
# beside it both followed): log-tail killed with -9 twice mid-stream and
# started again on its state file. log-tail may write the rows in
# flight at a kill twice; to-pg keys rows on their content, so the table
# holds every row exactly once.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
need python3

LT=$BIN/log-tail
TP=$BIN/to-pg
W=$TOP/tests/logwriter
N=3000

start_postgres
ok $? "PostgreSQL started"
cat >"$T_TMP/pg.yaml" <<YAML
Butler-SOS:
  postgresConfig:
    host: 127.0.0.1
    port: $PG_PORT
    sslmode: disable
YAML

mkdir -p "$T_TMP/logs"
# Sense writing: N numbered rows, 1 ms apart, rolled over every 700 rows
"$W" "$T_TMP/logs/QSE-NODE1_System_Proxy.txt" --rows "$N" --pause 1 --roll-every 700 &
WRITER=$!
T_PIDS+=("$WRITER")

# run ARGS...: log-tail ARGS | to-pg, log-tail's output kept too; sets LT_PID, TP_PID
run_pipe() {
	local i=$1
	shift
	mkfifo "$T_TMP/pipe$i"
	"$TP" -c "$T_TMP/pg.yaml" <"$T_TMP/pipe$i" 2>"$T_TMP/tp$i.err" &
	TP_PID=$!
	T_PIDS+=("$TP_PID")
	"$LT" --state "$T_TMP/state" --glob "$T_TMP/logs/*.txt" --glob "$T_TMP/logs/*.log" "$@" 2>"$T_TMP/lt$i.err" |
		tee "$T_TMP/lt$i.out" >"$T_TMP/pipe$i" &
	LT_PID=$(pgrep -n -f "log-tail --state $T_TMP/state")
	T_PIDS+=("$LT_PID")
}

for i in 1 2; do
	run_pipe "$i"
	sleep 1
	kill -9 "$LT_PID"
	wait "$TP_PID"
	ok $? "round $i: log-tail killed with -9, to-pg wrote what it read and stopped"
done
wait "$WRITER"
run_pipe 3 --once
wait "$TP_PID"
ok $? "round 3: log-tail --once after the writer finished"

out=$(cat "$T_TMP"/lt1.out "$T_TMP"/lt2.out "$T_TMP"/lt3.out | grep -o 'seq=[0-9]*' | sort | uniq -d | wc -l)
echo "# rows log-tail wrote twice (in flight at a kill): $out"
got=$(pg_sql "SELECT count(*), count(DISTINCT substring(message FROM 'seq=([0-9]+)')),
	min(substring(message FROM 'seq=([0-9]+)')::int), max(substring(message FROM 'seq=([0-9]+)')::int)
	FROM senseops.log_event" | tr '|' ' ')
is "$got" "$N $N 1 $N" "PostgreSQL holds every one of the $N rows exactly once"
is "$(pg_sql "SELECT string_agg(DISTINCT tags->>'log_file', ' ') FROM senseops.log_event")" \
	QSE-NODE1_System_Proxy.txt "every row tagged with the name its file had while active, also after the roll-over"

done_testing
