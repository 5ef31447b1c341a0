#!/usr/bin/env bash
# t0700-log-tail: log-tail end to end on real files: every fixture log file
# field by field, files written while being read (partial lines, roll-over,
# truncation, deletion, new files and folders), kill -9 and restarts with a
# state file, hostile input, both watch modes, --once and --from-end, the
# configuration, exit codes and SIGTERM.
# The rows come from tests/logwriter (each carries seq=N in its message) and
# are checked by tests/logcheck; nothing waits a fixed time for log-tail:
# every wait is for a condition, bounded (20 s), polled every 0.1 s.
# shellcheck source=../lib.sh disable=SC1091
. "$(dirname "$0")/../lib.sh"

LT=$BIN/log-tail
W=$TOP/tests/logwriter
CHECK=$TOP/tests/logcheck
LOGS=$FIXTURES/logfiles
[ -d "$LOGS" ] || skip_all "no fixture log files at $LOGS"
[ -x "$LT" ] || skip_all "$LT not built"
need python3

QIX_ON=(--set Butler-SOS.logEvents.enginePerformanceMonitor.enable=true
	--set Butler-SOS.logEvents.enginePerformanceMonitor.monitorFilter.allApps.enable=true)

# --- helpers --------------------------------------------------------------------

skip_ok() {	# skip_ok REASON DESCRIPTION
	T_N=$((T_N + 1))
	echo "ok $T_N - $2 # skip $1"
}

# counter NAME ERRFILE: a counter of the last "done:" line log-tail wrote at exit
counter() {
	grep 'msg="done:' "$2" | tail -1 | grep -o " $1=[0-9]*" | cut -d= -f2
}

# pyq FILE EXPR: EXPR over the records of FILE (R, a list), as JSON
pyq() {
	python3 -c 'import json, sys
R = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
print(json.dumps(eval(sys.argv[2]), ensure_ascii=False, sort_keys=True))' "$1" "$2"
}

lines() { wc -l <"$1" | tr -d ' '; }

# wait_until SECONDS CMD...: until CMD succeeds, polled every 0.1 s
wait_until() {
	local i n=$(($1 * 10))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

has_rows() { "$CHECK" seq "$@" --present; }	# has_rows ROWS OUT...: all there (for waiting)
min_lines() { [ "$(cat "${@:2}" 2>/dev/null | wc -l)" -ge "$1" ]; }

# lt_start NAME ARGS...: log-tail in the background, stdout NAME.out and
# stderr NAME.err in $T_TMP; sets LT_PID
lt_start() {
	local name=$1
	shift
	"${AS[@]}" "$LT" "$@" >"$T_TMP/$name.out" 2>"$T_TMP/$name.err" </dev/null &
	LT_PID=$!
	T_PIDS+=("$LT_PID")
}
AS=()

lt_stop() {	# SIGTERM, then the exit status in LT_RC
	kill -TERM "$LT_PID" 2>/dev/null
	wait "$LT_PID"
	LT_RC=$?
}

# seq_is ROWS DESCRIPTION [--ordered] OUT...: every row exactly once, whole
seq_is() {
	local rows=$1 desc=$2 sum rc
	shift 2
	sum=$("$CHECK" seq "$rows" "$@")
	rc=$?
	ok $rc "$desc"
	[ $rc -eq 0 ] || echo "#   $sum"
}

T=$T_TMP

# --- 1. every fixture file, QIX performance monitoring on ------------------------
"$LT" --once "${QIX_ON[@]}" "$LOGS" >"$T/fix.out" 2>"$T/fix.err"
is $? 0 "fixtures: --once exits 0"
is "$(lines "$T/fix.out")" 141 "fixtures: 141 records from 14 files"
is "$(counter rows "$T/fix.err") $(counter records "$T/fix.err")" "141 141" "fixtures: rows=141 records=141 on stderr"
"$CHECK" fixtures "$LOGS" "$T/fix.out" >"$T/fix.check"
while IFS=$'\t' read -r file status detail; do
	is "$status" ok "fixtures: $file: one record per row, every field from its column by header name ($detail)"
	[ "$status" = ok ] || echo "#   $detail"
done <"$T/fix.check"
is "$(grep -c . "$T/fix.check")" 14 "fixtures: all 14 files checked"
is "$(pyq "$T/fix.out" 'sorted(set(r["source"] for r in R))')" \
	'["qseow-engine", "qseow-proxy", "qseow-qix-perf", "qseow-repository", "qseow-scheduler"]' \
	"fixtures: the five sources, told by file name"
"$TOOLS/record-lint" "$T/fix.out" >/dev/null 2>"$T/lint.err"
ok $? "fixtures: record-lint accepts every record"
is "$(pyq "$T/fix.out" '[r["ts"] for r in R if r["tags"]["log_file"] == "Engine_AuditActivity.txt" and r["log_row"] == 902]')" \
	'["2024-11-05T07:02:15.012Z"]' "fixtures: 20241105T080215.012+0100 is 2024-11-05T07:02:15.012Z"
echo '{"id":"e7af59a0-c243-480d-9571-08727551a66f","name":"Sales Dashboard"}' >"$T/names.ndjson"
"$LT" --once "${QIX_ON[@]}" --set Butler-SOS.logEvents.enginePerformanceMonitor.appNameLookup.enable=true \
	--app-names "$T/names.ndjson" "$LOGS/Engine_QixPerformance.txt" >"$T/names.out" 2>"$T/names.err"
is "$(pyq "$T/names.out" 'sorted(set((r["app_id"][:8], r["app_name"]) for r in R))')" \
	'[["3f1b6c2e", ""], ["e7af59a0", "Sales Dashboard"]]' "--app-names: app_name of qix_perf records from the names file"

# --- 2. QIX performance monitoring off (the default) -----------------------------------
"$LT" --once "$LOGS" >"$T/noqix.out" 2>"$T/noqix.err"
is $? 0 "QIX monitor off: exit 0"
is "$(lines "$T/noqix.out")" 131 "QIX monitor off: 131 records"
is "$(counter qix_off "$T/noqix.err")" 10 "QIX monitor off: qix_off=10"
is "$(grep -c '"kind":"qix_perf"' "$T/noqix.out")" 0 "QIX monitor off: no qix_perf record"
"$CHECK" fixtures "$LOGS" "$T/noqix.out" --qix-off >"$T/noqix.check"
ok $? "QIX monitor off: every other row intact, field by field"
grep -v "	ok	" "$T/noqix.check" | sed 's/^/#   /'

# --- 3. a file written while it is read: partial lines -----------------------------------
mkdir -p "$T/partial"
lt_start partial --state "$T/partial.state" "$T/partial"
wait_until 20 test -e "$T/partial.state"
ok $? "partial: first scan of an empty folder done (state file written)"
# each row (and the header) in two write() calls 15 ms apart, cut anywhere: inside a
# field, after a tab, between CR and LF
"$W" "$T/partial/QSE-NODE1_System_Proxy.txt" --rows 120 --partial 15
wait_until 20 has_rows 1-120 "$T/partial.out"
ok $? "partial: a file created after the start is found"
lt_stop
is "$LT_RC" 0 "partial: SIGTERM exits 0"
seq_is 1-120 "partial: each of 120 rows exactly once, none split or joined, in order" --ordered "$T/partial.out"
is "$(counter short_rows "$T/partial.err"),$(counter orphan_lines "$T/partial.err")" "0,0" \
	"partial: no short row, no orphan line"

# --- 4. roll-over in the middle of a burst ------------------------------------------------
mkdir -p "$T/roll1"
lt_start roll1 --glob "$T/roll1/*.txt"
# the writer waits before each roll-over until log-tail has found the current file
# (a reader of *.txt alone cannot know a file it never saw); the file's last rows
# may still be unread when it is renamed
"$W" "$T/roll1/QSE-NODE1_System_Proxy.txt" --rows 3000 --roll-every 100 --wait-seen "$T/roll1.out"
ok $? "roll-over (*.txt): the writer rolled 29 times"
wait_until 20 has_rows 1-3000 "$T/roll1.out"
lt_stop
is "$LT_RC" 0 "roll-over (*.txt): SIGTERM exits 0"
seq_is 1-3000 "roll-over (*.txt): 3000 rows exactly once, the old file finished before the new one" \
	--ordered "$T/roll1.out"
is "$(counter rolled "$T/roll1.err")" 29 "roll-over (*.txt): rolled=29"

mkdir -p "$T/roll2"
lt_start roll2 --glob "$T/roll2/*.txt" --glob "$T/roll2/*.log"
"$W" "$T/roll2/QSE-NODE1_System_Proxy.txt" --rows 3000 --roll-every 50
wait_until 20 has_rows 1-3000 "$T/roll2.out"
lt_stop
is "$LT_RC" 0 "roll-over (*.txt and *.log): SIGTERM exits 0"
seq_is 1-3000 "roll-over (*.txt and *.log): 3000 rows exactly once (no rolled file read twice)" "$T/roll2.out"

# a backlog of rolled-over files present at the start: read oldest first
mkdir -p "$T/backlog"
"$W" "$T/backlog/QSE-NODE1_System_Proxy.txt" --rows 40 --roll-every 10
"$LT" --once --glob "$T/backlog/*.txt" --glob "$T/backlog/*.log" >"$T/backlog.out" 2>"$T/backlog.err"
seq_is 1-40 "backlog: 3 rolled-over files and the active one: every row exactly once" "$T/backlog.out"
"$CHECK" seq 1-40 --ordered "$T/backlog.out" >"$T/backlog.sum"
ok $? "backlog: the rolled-over files read oldest first, the active file last"
grep -q 'out of order' "$T/backlog.sum" && echo "#   $(cat "$T/backlog.sum")"

# --- 5. kill -9 mid-stream, restarted twice with the same state --------------------------
mkdir -p "$T/kill"
KG=(--state "$T/kill.state" --glob "$T/kill/*.txt" --glob "$T/kill/*.log")
"$W" "$T/kill/QSE-NODE1_System_Proxy.txt" --rows 3000 --pause 1 --roll-every 500 >/dev/null 2>&1 &
WPID=$!
T_PIDS+=("$WPID")
lt_start kill1 "${KG[@]}"
wait_until 20 min_lines 500 "$T/kill1.out"
kill -9 "$LT_PID"
{ wait "$LT_PID"; } 2>/dev/null
lt_start kill2 "${KG[@]}"
wait_until 20 min_lines 1500 "$T/kill1.out" "$T/kill2.out"
kill -9 "$LT_PID"
{ wait "$LT_PID"; } 2>/dev/null
lt_start kill3 "${KG[@]}"
wait "$WPID"
ok $? "kill -9: the writer wrote 3000 rows meanwhile"
wait_until 20 has_rows 1-3000 "$T/kill1.out" "$T/kill2.out" "$T/kill3.out"
lt_stop
is "$LT_RC" 0 "kill -9: the third run stops on SIGTERM with exit 0"
# log-tail(1): a kill -9 may repeat the rows in flight (written out, position not
# saved yet): those, and only those, may come twice; they are listed here
KSUM=$("$CHECK" seq 1-3000 --restarts "$T/kill1.out" "$T/kill2.out" "$T/kill3.out")
echo "# kill -9: $(lines "$T/kill1.out") + $(lines "$T/kill2.out") + $(lines "$T/kill3.out") records: $KSUM"
like "$KSUM" 'missing 0 \(none\)' "kill -9: no row lost across two kill -9 and restarts"
like "$KSUM" 'duplicate 0 \(none\), broken 0' \
	"kill -9: every row once, but for rows in flight at a kill repeated first by the next run"

# --- 6. truncation, deletion, new files and folders -----------------------------------------
D=$T/live
mkdir -p "$D"
"$W" "$D/QSE-NODE1_System_Proxy.txt" --rows 10
"$W" "$D/QSE-NODE1_System_Repository.txt" --rows 5 --seq 101
lt_start live "$D"
wait_until 20 has_rows 1-10,101-105 "$T/live.out"
ok $? "live: the files present at the start are read"
# cut to 0 and rewritten shorter at once: the new rows are read from the start
: >"$D/QSE-NODE1_System_Proxy.txt"
"$W" "$D/QSE-NODE1_System_Proxy.txt" --rows 2 --seq 11
wait_until 20 has_rows 11-12 "$T/live.out"
ok $? "truncation: rows written after the file was cut to 0 are read"
# cut to 0, and rewritten longer once log-tail has seen it empty
: >"$D/QSE-NODE1_System_Proxy.txt"
truncated_twice() { [ "$(grep -c 'truncated' "$T/live.err")" -ge 2 ]; }
wait_until 20 truncated_twice
ok $? "truncation: reported on stderr"
"$W" "$D/QSE-NODE1_System_Proxy.txt" --rows 40 --seq 13
wait_until 20 has_rows 13-52 "$T/live.out"
ok $? "truncation: a longer rewrite is read from its start"
# rolled over and the .log moved away (as the QRS does) before log-tail read its
# last rows: log-tail is stopped (SIGSTOP) meanwhile, so they are surely unread
kill -STOP "$LT_PID"
"$W" "$D/QSE-NODE1_System_Proxy.txt" --rows 3 --seq 601 --roll-every 2 --roll-stamp 100
rm "$D"/QSE-NODE1_System_Proxy_*Z.log
kill -CONT "$LT_PID"
wait_until 20 has_rows 601-603 "$T/live.out"
ok $? "roll-over: the rows of a rolled-over file deleted before they were read are read from the open file"
rm "$D/QSE-NODE1_System_Repository.txt"
"$W" "$D/QSE-NODE1_System_Proxy.txt" --rows 2 --seq 53
wait_until 20 has_rows 53-54 "$T/live.out"
ok $? "deletion: after a file was deleted, the others go on"
kill -0 "$LT_PID" 2>/dev/null
ok $? "deletion: log-tail still runs"
"$W" "$D/QSE-NODE1_System_Repository.txt" --rows 2 --seq 201
wait_until 20 has_rows 201-202 "$T/live.out"
ok $? "deletion: a new file under the deleted one's name is read from its start"
"$W" "$D/QSE-NODE1_System_Engine.txt" --rows 2 --seq 301
wait_until 20 has_rows 301-302 "$T/live.out"
ok $? "new file: a file that appears in a watched folder is picked up"
mkdir -p "$T/prep/Scheduler/Trace"
"$W" "$T/prep/Scheduler/Trace/QSE-NODE1_System_Scheduler.txt" --rows 2 --seq 401
mv "$T/prep/Scheduler" "$D/Scheduler"
wait_until 20 has_rows 401-402 "$T/live.out"
ok $? "new folder: a folder moved in with a log file in it is picked up"
mkdir -p "$D/Engine/Trace"
"$W" "$D/Engine/Trace/QSE-NODE1_Session_Engine.txt" --rows 2 --seq 501
# (the folders a pattern's wildcard matches are watched too, so no safety scan is needed)
wait_until 20 has_rows 501-502 "$T/live.out"
ok $? "new folder: a file in a folder created after the start is picked up"
lt_stop
is "$LT_RC" 0 "live: SIGTERM exits 0"
seq_is 1-10,101-105,11-54,201-202,301-302,401-402,501-502,601-603 "live: every row exactly once" "$T/live.out"
is "$(counter truncated "$T/live.err")" 2 "live: truncated=2"

# a folder given on the command line that does not exist yet: followed once it does
lt_start notyet --state "$T/notyet.state" "$T/notyet"
wait_until 20 test -e "$T/notyet.state"
mkdir -p "$T/notyet/Proxy/Trace"
"$W" "$T/notyet/Proxy/Trace/QSE-NODE1_System_Proxy.txt" --rows 3 --seq 701
wait_until 20 has_rows 701-703 "$T/notyet.out"
ok $? "a folder operand that appears after the start: its files are read"
lt_stop
seq_is 701-703 "a folder operand that appears after the start: every row once" "$T/notyet.out"

# rolled over while log-tail was not running, only *.txt globbed: the rest is read from X_<stamp>Z.log
mkdir -p "$T/away"
"$W" "$T/away/QSE-NODE1_System_Proxy.txt" --rows 10
"$LT" --once --state "$T/away.state" --glob "$T/away/*.txt" >"$T/away1.out" 2>/dev/null
"$W" "$T/away/QSE-NODE1_System_Proxy.txt" --rows 5 --seq 11
mv "$T/away/QSE-NODE1_System_Proxy.txt" "$T/away/QSE-NODE1_System_Proxy_2024-11-05T11.00.00Z.log"
"$W" "$T/away/QSE-NODE1_System_Proxy.txt" --rows 3 --seq 16
"$LT" --once --state "$T/away.state" --glob "$T/away/*.txt" >"$T/away2.out" 2>"$T/away2.err"
seq_is 1-18 "rolled over while stopped: the rows written before the roll-over are read from the .log" --ordered \
	"$T/away1.out" "$T/away2.out"
like "$(cat "$T/away2.err")" 'rolled over while log-tail was away' "rolled over while stopped: said on stderr"
"$LT" --once --state "$T/away.state" --glob "$T/away/*.txt" >"$T/away3.out" 2>/dev/null
is "$(grep -c . "$T/away3.out")" 0 "rolled over while stopped: a third run reads nothing"

# --- 7. permission denied -----------------------------------------------------------------
# as root permissions do not apply: then log-tail runs as nobody, when it can
P=$T/perm
PERM_OK=1
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1 &&
		setpriv --reuid=65534 --regid=65534 --clear-groups -- true 2>/dev/null; then
		AS=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
		chmod 711 "$T"
		echo "# running as root: log-tail runs as nobody for the permission tests"
	else
		PERM_OK=0
	fi
fi
mkdir -p "$P"
"$W" "$P/QSE-NODE1_System_Proxy.txt" --rows 3
"$W" "$P/QSE-NODE1_System_Engine.txt" --rows 3 --seq 11
chmod 755 "$P"
chmod 644 "$P/QSE-NODE1_System_Proxy.txt"
chmod 000 "$P/QSE-NODE1_System_Engine.txt"
if [ "$PERM_OK" -eq 1 ]; then
	"${AS[@]}" "$LT" --once "$P" >"$T/perm.out" 2>"$T/perm.err"
	is $? 0 "permission denied: --once exits 0"
	like "$(cat "$T/perm.err")" 'QSE-NODE1_System_Engine.txt: Permission denied' "permission denied: reported on stderr"
	is "$(counter unreadable "$T/perm.err")" 1 "permission denied: unreadable=1"
	seq_is 1-3 "permission denied: the readable file is read" "$T/perm.out"
	lt_start perm2 "$P"
	wait_until 20 has_rows 1-3 "$T/perm2.out"
	chmod 644 "$P/QSE-NODE1_System_Engine.txt"
	wait_until 20 has_rows 11-13 "$T/perm2.out"
	ok $? "permission denied: read once it is readable"
	lt_stop
else
	for d in "--once exits 0" "reported on stderr" "unreadable=1" "the readable file is read" \
		"read once it is readable"; do
		skip_ok "running as root" "permission denied: $d"
	done
fi
AS=()
chmod 700 "$T"

# --- 8. bad input -------------------------------------------------------------------------
B=$T/bad
mkdir -p "$B"
python3 - "$B" "$W" <<'PY'
import random, subprocess, sys
d, w = sys.argv[1], sys.argv[2]
def row(n):
    return subprocess.run([w, "x", "--row", "--seq", str(n)], capture_output=True, text=True).stdout.split("\t")
def put(name, data):
    with open(d + "/" + name, "ab") as f:
        f.write(data)
def new(name, *opts):
    subprocess.run([w, d + "/" + name, "--rows", "0"] + list(opts), check=True)
random.seed(7)
put("QSE-NODE1_Garbage_Proxy.txt", bytes(random.randrange(256) for _ in range(8192)))
put("QSE-NODE1_Csv_Proxy.txt", b"Sequence#,Timestamp,Message\r\n1,20241105T080000.000+0100,hello\r\n")
new("QSE-NODE1_HeaderOnly_Proxy.txt")
put("QSE-NODE1_Empty_Proxy.txt", b"")
new("QSE-NODE1_Long_Proxy.txt")
r = row(2); r[8] = "seq=2 " + "y" * (10 << 20)
put("QSE-NODE1_Long_Proxy.txt", ("\t".join(row(1)) + "\r\n" + "\t".join(r) + "\r\n" + "\t".join(row(3)) + "\r\n").encode())
new("QSE-NODE1_Odd_Proxy.txt")
r = row(10); r[8] = "nul\0here"; put("QSE-NODE1_Odd_Proxy.txt", ("\t".join(r) + "\r\n").encode())
r = row(11); put("QSE-NODE1_Odd_Proxy.txt", "\t".join(r[:8]).encode() + b"\tbad \xff utf8\t" + ("\t".join(r[9:]) + "\r\n").encode())
r = row(12); r[8] = "line one\r\nline two"; put("QSE-NODE1_Odd_Proxy.txt", ("\t".join(r) + "\r\n").encode())
r = row(13); r[8] = "tab\there"; put("QSE-NODE1_Odd_Proxy.txt", ("\t".join(r) + "\r\n").encode())
r = row(14); put("QSE-NODE1_Odd_Proxy.txt", ("\t".join(r[:10]) + "\r\n").encode())
put("QSE-NODE1_Odd_Proxy.txt", ("\t".join(row(15)) + "\r\n").encode())
# a line before any row: continues nothing
new("QSE-NODE1_Orphan_Proxy.txt")
put("QSE-NODE1_Orphan_Proxy.txt", ("stray text\r\n" + "\t".join(row(16)) + "\r\n").encode())
# columns in another order, names in other cases, unknown columns
put("QSE-NODE1_Columns_Proxy.txt",
    b"Sequence#\tmessage\tMy Column\tHOSTNAME\tlevel\tTIMESTAMP\tUserId\tuserdirectory\tCOMMAND\tZ\n"
    b"7\thello\tcustom value\tnode9\tERROR\t20240519T115549.898-0230\tbob\tDOM\tOpen\t\n")
PY
for v in CrlfBom:"" LfBom:--lf CrlfNoBom:--no-bom LfNoBom:"--lf --no-bom"; do
	# shellcheck disable=SC2086
	"$W" "$B/QSE-NODE1_${v%%:*}_Proxy.txt" --rows 3 --seq 51 ${v#*:}
done
"$LT" --once "$B" >"$T/bad.out" 2>"$T/bad.err"
is $? 0 "bad input: --once exits 0"
BE=$(cat "$T/bad.err")
is "$(counter not_sense "$T/bad.err")" 2 "bad input: not_sense=2 (binary garbage, a CSV)"
like "$BE" 'Garbage_Proxy.txt: not a Qlik Sense log file' "bad input: binary garbage reported as not a Sense log"
like "$BE" 'Csv_Proxy.txt: not a Qlik Sense log file' "bad input: a CSV file reported as not a Sense log"
is "$(pyq "$T/bad.out" 'sorted(set(r["tags"]["log_file"][10:-4] for r in R))')" \
	'["Columns_Proxy", "CrlfBom_Proxy", "CrlfNoBom_Proxy", "LfBom_Proxy", "LfNoBom_Proxy", "Long_Proxy", "Odd_Proxy", "Orphan_Proxy"]' \
	"bad input: records from the Sense files only (none from garbage, CSV, header-only, empty)"
is "$(lines "$T/bad.out")" 22 "bad input: 22 records"
is "$(counter too_long "$T/bad.err")" 1 "10 MiB line: too_long=1"
is "$(pyq "$T/bad.out" '[r["log_row"] for r in R if "Long" in r["tags"]["log_file"]]')" '[1, 3]' \
	"10 MiB line: skipped, the rows before and after kept"
odd() { pyq "$T/bad.out" "[r$2 for r in R if 'Odd' in r['tags']['log_file'] and r['log_row'] == $1]"; }
is "$(counter nul_rows "$T/bad.err")" 1 "NUL bytes: nul_rows=1"
is "$(odd 10 '["message"]')" '["nulhere"]' "NUL bytes: removed from the message"
is "$(counter bad_utf8_rows "$T/bad.err")" 1 "invalid UTF-8: bad_utf8_rows=1"
is "$(odd 11 '["message"]')" '["bad � utf8"]' "invalid UTF-8: the byte replaced by U+FFFD"
is "$(odd 12 '["message"]')" '["line one\nline two"]' "raw line break: one record, the message holds a line feed"
is "$(odd 12 '["user_id"] + "|" + r["extra"]["Id2"]')" '["user2|0000000c-0000-4000-8000-00000000000c"]' \
	"raw line break: the fields after the message intact"
is "$(counter long_rows "$T/bad.err")" 1 "raw tab: long_rows=1"
is "$(odd 13 '["message"] + "|" + r["user_id"] + "|" + r["extra"]["Id2"]')" \
	'["tab\there|user3|0000000d-0000-4000-8000-00000000000d"]' "raw tab: kept in the message, the columns after it intact"
is "$(counter short_rows "$T/bad.err")" 1 "short row: short_rows=1"
is "$(odd 14 '["message"] + "|" + r["user_directory"] + "|" + r["user_id"] + "|" + r["extra"].get("Id2", "")')" \
	'["seq=14 payload xxxxxxxxxxxxxx|||"]' "short row: emitted, the missing fields empty"
is "$(odd 15 '["message"]')" '["seq=15 payload xxxxxxxxxxxxxxx"]' "short row: the row after it intact"
# a short row as the last line: held while a continuation may come, written once the file is quiet
mkdir -p "$T/shortlast"
printf 'Sequence#\tTimestamp\tLevel\tHostname\tMessage\tUserId\tId2\r\n1\t20241105T080000.001+0100\tINFO\th\tfull row\tu\tx\r\n2\t20241105T080000.002+0100\tINFO\th\tshort last row\r\n' \
	>"$T/shortlast/QSE-NODE1_System_Proxy.txt"
"$LT" --once --state "$T/shortlast.state" "$T/shortlast" >"$T/shortlast1.out" 2>/dev/null
is "$(pyq "$T/shortlast1.out" '[r["log_row"] for r in R]')" '[1]' "short last row, just written: held back"
touch -d '-1 minute' "$T/shortlast/QSE-NODE1_System_Proxy.txt"
"$LT" --once --state "$T/shortlast.state" "$T/shortlast" >"$T/shortlast2.out" 2>/dev/null
is "$(pyq "$T/shortlast2.out" '[r["message"] for r in R]')" '["short last row"]' \
	"short last row, the file quiet for a minute: written, once"
is "$(counter orphan_lines "$T/bad.err")" 1 "a line before the first row: orphan_lines=1"
is "$(pyq "$T/bad.out" '[r["log_row"] for r in R if "Orphan" in r["tags"]["log_file"]]')" '[16]' \
	"a line before the first row: the row after it read"
is "$(pyq "$T/bad.out" '[[r[k] for k in ("log_row", "message", "host", "level", "ts", "user_id", "user_directory", "command", "extra")] for r in R if "Columns" in r["tags"]["log_file"]]')" \
	'[[7, "hello", "node9", "ERROR", "2024-05-19T14:25:49.898Z", "bob", "DOM", "Open", {"My Column": "custom value"}]]' \
	"header: columns found by name in any order and case; unknown columns in extra"
is "$(pyq "$T/bad.out" 'len(set(json.dumps({k: v for k, v in r.items() if k != "tags"}, sort_keys=True) for r in R if r["log_row"] in (51, 52, 53)))')" 3 \
	"CRLF or LF, BOM or none: the same three records from all four files"
is "$(pyq "$T/bad.out" 'len([r for r in R if r["log_row"] in (51, 52, 53) and r["message"].startswith("seq=5") and not r["message"].endswith("\r")])')" 12 \
	"CRLF or LF, BOM or none: 12 records, no CR left"

mkdir -p "$T/maxline"
"$W" "$T/maxline/QSE-NODE1_System_Proxy.txt" --rows 1
R2=$("$W" x --row --seq 2)
printf '%s\r\n' "${R2/payload/payload $(head -c 3000 /dev/zero | tr '\0' z)}" >>"$T/maxline/QSE-NODE1_System_Proxy.txt"
"$W" "$T/maxline/QSE-NODE1_System_Proxy.txt" --rows 1 --seq 3
"$LT" --once --max-line 2048 "$T/maxline" >"$T/maxline.out" 2>"$T/maxline.err"
[ "$(counter too_long "$T/maxline.err"):$(pyq "$T/maxline.out" '[r["log_row"] for r in R]')" = '1:[1, 3]' ]
ok $? "--max-line 2048: a 3000-byte row skipped and counted, the others kept"
echo "#   got: too_long=$(counter too_long "$T/maxline.err"), rows $(pyq "$T/maxline.out" '[r["log_row"] for r in R]')"
mkdir -p "$T/maxline2"
"$W" "$T/maxline2/QSE-NODE1_System_Proxy.txt" --rows 1
printf '%s\r\n' "${R2/payload/payload $(head -c 1200000 /dev/zero | tr '\0' z)}" >>"$T/maxline2/QSE-NODE1_System_Proxy.txt"
"$W" "$T/maxline2/QSE-NODE1_System_Proxy.txt" --rows 1 --seq 3
"$LT" --once "$T/maxline2" >"$T/maxline2.out" 2>"$T/maxline2.err"
[ "$(counter too_long "$T/maxline2.err"):$(pyq "$T/maxline2.out" '[r["log_row"] for r in R]')" = '1:[1, 3]' ]
ok $? "default limit 1 MiB: a 1.2 MB line skipped and counted, the others kept"
echo "#   got: too_long=$(counter too_long "$T/maxline2.err"), rows $(pyq "$T/maxline2.out" '[r["log_row"] for r in R]')"

# --- 9. watch modes, --once, --from-end -----------------------------------------------------
for mode in poll inotify; do
	mkdir -p "$T/$mode"
	"$W" "$T/$mode/QSE-NODE1_System_Proxy.txt" --rows 3
	lt_start "$mode" --watch "$mode" --poll-interval 200 "$T/$mode"
	wait_until 20 has_rows 1-3 "$T/$mode.out"
	ok $? "--watch $mode: the rows present at the start"
	want=1
	[ "$mode" = poll ] && want=0
	is "$(find "/proc/$LT_PID/fd" -lname 'anon_inode:inotify' 2>/dev/null | wc -l)" "$want" \
		"--watch $mode: $([ "$mode" = poll ] && echo "no inotify instance" || echo "an inotify instance")"
	"$W" "$T/$mode/QSE-NODE1_System_Proxy.txt" --rows 3 --seq 4
	wait_until 20 has_rows 1-6 "$T/$mode.out"
	ok $? "--watch $mode: appended rows"
	"$W" "$T/$mode/QSE-NODE1_System_Proxy.txt" --rows 9 --seq 7 --roll-every 3 --wait-seen "$T/$mode.out"
	wait_until 20 has_rows 1-15 "$T/$mode.out"
	ok $? "--watch $mode: rows across two roll-overs"
	lt_stop
	is "$LT_RC" 0 "--watch $mode: SIGTERM exits 0"
	seq_is 1-15 "--watch $mode: every row exactly once, in order" --ordered "$T/$mode.out"
done

mkdir -p "$T/once"
"$W" "$T/once/QSE-NODE1_System_Proxy.txt" --rows 5
"$LT" --once --state "$T/once.state" "$T/once" >"$T/once1.out" 2>"$T/once1.err"
is $? 0 "--once: exit 0"
seq_is 1-5 "--once: the first run prints every row" "$T/once1.out"
"$LT" --once --state "$T/once.state" "$T/once" >"$T/once2.out" 2>"$T/once2.err"
is "$?:$(lines "$T/once2.out")" "0:0" "--once: the second run prints nothing"
"$W" "$T/once/QSE-NODE1_System_Proxy.txt" --rows 2 --seq 6
"$LT" --once --state "$T/once.state" "$T/once" >"$T/once3.out" 2>"$T/once3.err"
seq_is 6-7 "--once: after appending, only the new rows" "$T/once3.out"
# rolled over while log-tail was not running: the .log is the file it knew
"$W" "$T/once/QSE-NODE1_System_Proxy.txt" --rows 4 --seq 8 --roll-every 2
OG=(--once --state "$T/once.state" --glob "$T/once/*.txt" --glob "$T/once/*.log")
"$LT" "${OG[@]}" >"$T/once4.out" 2>"$T/once4.err"
seq_is 8-11 "--once: a file rolled over between runs is finished, then its successor" --ordered "$T/once4.out"
# copied to an archive folder (another inode): known by its fingerprint
mkdir -p "$T/archive"
for f in "$T"/once/*.log; do cp "$f" "$T/archive/"; done
"$W" "$T/once/QSE-NODE1_System_Proxy.txt" --rows 1 --seq 12
"$LT" "${OG[@]}" --glob "$T/archive/*.log" >"$T/once5.out" 2>"$T/once5.err"
seq_is 12 "--once: copies of read files in an archive folder are not read again" "$T/once5.out"

mkdir -p "$T/fromend"
"$W" "$T/fromend/QSE-NODE1_System_Proxy.txt" --rows 5
R6=$("$W" x --row --seq 6)
printf '%s' "${R6:0:20}" >>"$T/fromend/QSE-NODE1_System_Proxy.txt"	# a row being written
lt_start fromend --from-end --state "$T/fromend.state" "$T/fromend"
wait_until 20 grep -q QSE-NODE1_System_Proxy "$T/fromend.state"
ok $? "--from-end: the file's position saved after the first scan"
printf '%s\r\n' "${R6:20}" >>"$T/fromend/QSE-NODE1_System_Proxy.txt"
"$W" "$T/fromend/QSE-NODE1_System_Proxy.txt" --rows 2 --seq 7
"$W" "$T/fromend/QSE-NODE1_System_Engine.txt" --rows 2 --seq 9
wait_until 20 has_rows 6-10 "$T/fromend.out"
lt_stop
seq_is 6-10 "--from-end: the old rows skipped; the row being written, the appended rows and a later file's rows read" \
	"$T/fromend.out"

# --- 10. configuration, exit codes ----------------------------------------------------------
R=$T/senselog
for f in Proxy/Trace/QSE-NODE1_System_Proxy:1 Proxy/Trace/QSE-NODE1_Performance_Proxy:11 \
	Proxy/Audit/QSE-NODE1_AuditActivity_Proxy:21 Engine/Trace/QSE-NODE1_System_Engine:31 \
	Printing/Trace/QSE-NODE1_System_Printing:41 Repository/System/QSE-NODE1_Service_Repository:51 \
	Scheduler/Trace/QSE-NODE1_System_Scheduler:61 Engine/QSE-NODE1_System_Engine:71; do
	mkdir -p "$(dirname "$R/${f%%:*}")"
	"$W" "$R/${f%%:*}.txt" --rows 2 --seq "${f#*:}"
done
cat >"$T/folder.yaml" <<YAML
Butler-SOS:
  logTail:
    logFolder: $R
    services: [Proxy, Engine, Repository]
    logTypes: [System, AuditActivity]
  logEvents:
    tags:
      - name: qs_env
        value: test
      - name: dc
        value: eu
YAML
"$LT" -c "$T/folder.yaml" --once >"$T/folder.out" 2>"$T/folder.err"
is $? 0 "logFolder: exit 0"
seq_is 1-2,21-22,31-32 "logFolder: <Service>/<folder>/*_<LogType>_<Service>.txt of the listed services and types only" \
	"$T/folder.out"
is "$(pyq "$T/folder.out" 'sorted(set((r["source"], r["tags"]["log_type"]) for r in R))')" \
	'[["qseow-engine", "System"], ["qseow-proxy", "AuditActivity"], ["qseow-proxy", "System"]]' \
	"logFolder: source and log type from the file names"
is "$(pyq "$T/folder.out" 'sorted(set(tuple(r["tags"].items()) for r in R if r["log_row"] in (1, 21)))')" \
	'[[["qs_env", "test"], ["dc", "eu"], ["log_type", "AuditActivity"], ["log_file", "QSE-NODE1_AuditActivity_Proxy.txt"]], [["qs_env", "test"], ["dc", "eu"], ["log_type", "System"], ["log_file", "QSE-NODE1_System_Proxy.txt"]]]' \
	"logEvents.tags: on every record, with log_type and log_file"

"$LT" --once --set Butler-SOS.logEvents.source.proxy.enable=false "$LOGS" >"$T/noproxy.out" 2>"$T/noproxy.err"
is "$(counter disabled "$T/noproxy.err"):$(lines "$T/noproxy.out")" "41:90" \
	"source.proxy.enable=false: the 41 proxy rows counted as disabled, 90 others out"
is "$(grep -c '"source":"qseow-proxy"' "$T/noproxy.out")" 0 "source.proxy.enable=false: no proxy record"

cat >"$T/rules.yaml" <<'YAML'
Butler-SOS:
  logEvents:
    categorise:
      enable: true
      rules:
        - description: drop the health checks
          logLevel: [INFO, WARN]
          action: drop
          filter:
            - type: sw
              value: Engine health check
        - description: sessions
          logLevel: [INFO]
          action: categorise
          category:
            - name: qs_log_category
              value: session
          filter:
            - type: so
              value: session for user
      ruleDefault:
        enable: false
  logTail:
    excludeUser:
      - directory: CORP
        userId: asmith
YAML
"$LT" --once -c "$T/rules.yaml" "$LOGS" >"$T/rules.out" 2>"$T/rules.err"
is $? 0 "categorise and excludeUser: exit 0"
# 4 fixture rows mention the health check, 3 of them start their message with it
is "$(counter dropped "$T/rules.err")" 3 "categorise drop: dropped=3"
is "$(pyq "$T/rules.out" 'len([r for r in R if r.get("message", "").startswith("Engine health check")])')" 0 \
	"categorise drop: no record of a dropped row"
# asmith's rows: 13 in the fixtures, 2 of them QixPerformance (off)
is "$(counter excluded "$T/rules.err")" 11 "excludeUser: excluded=11"
is "$(pyq "$T/rules.out" 'len([r for r in R if r["user_id"] == "asmith"])')" 0 "excludeUser: no record of CORP\\asmith"
is "$(lines "$T/rules.out")" 117 "categorise and excludeUser: 131 - 3 - 11 = 117 records"
is "$(pyq "$T/rules.out" '[r["tags"].get("qs_log_category") for r in R if r["log_row"] == 1201]')" '["session"]' \
	"categorise: the category as a tag"

run "$LT" --once --set Butler-SOS.logTail.enable=false "$LOGS"
is "$RC" 78 "logTail.enable=false: exit 78"
run "$LT" --once --set Butler-SOS.logTail.startAt=middle "$LOGS"
is "$RC" 78 "logTail.startAt=middle: exit 78"
printf 'Butler-SOS:\n  logTail:\n    services: Proxy\n' >"$T/badtype.yaml"
run "$LT" --once -c "$T/badtype.yaml" "$LOGS"
is "$RC" 78 "logTail.services not a list: exit 78"
run "$LT" --once
is "$RC" 64 "no paths: exit 64"
run "$LT" --once --watch sometimes "$LOGS"
is "$RC" 64 "--watch sometimes: exit 64"
run "$LT" --once --no-such-option "$LOGS"
is "$RC" 64 "an unknown option: exit 64"

lt_start lock --state "$T/lock.state" "$LOGS"
wait_until 20 test -e "$T/lock.state"
run "$LT" --once --state "$T/lock.state" "$LOGS"
is "$RC" 75 "two log-tails on one state file: the second exits 75"
like "$ERR" 'another log-tail' "two log-tails on one state file: said on stderr"
lt_stop
echo "not a state file" >"$T/corrupt.state"
run "$LT" --once --state "$T/corrupt.state" "$LOGS"
is "$RC:$OUT" "65:" "corrupt state file: exit 65, nothing read"
like "$ERR" 'corrupt.state' "corrupt state file: named on stderr"
printf 'senseops-log-tail-state 1\n1 2 3 0 12' >"$T/cut.state"
run "$LT" --once --state "$T/cut.state" "$LOGS"
is "$RC" 65 "a state file with a line cut short: exit 65"

# --- 11. SIGTERM ---------------------------------------------------------------------------
mkdir -p "$T/term"
"$W" "$T/term/QSE-NODE1_System_Proxy.txt" --rows 5
lt_start term --state "$T/term.state" "$T/term"
wait_until 20 has_rows 1-5 "$T/term.out"
kill -TERM "$LT_PID"
t_wait_gone "$LT_PID" 5
ok $? "SIGTERM: gone within 5 s"
wait "$LT_PID"
is $? 0 "SIGTERM: exit 0"
"$W" "$T/term/QSE-NODE1_System_Proxy.txt" --rows 3 --seq 6
"$LT" --once --state "$T/term.state" "$T/term" >"$T/term2.out" 2>"$T/term2.err"
seq_is 6-8 "SIGTERM: the saved state lets --once print only the rows written after the stop" "$T/term2.out"

# --- every run's stderr: no sanitizer report (with SENSEOPS_BUILD=build/asan) ---------------
SAN=$(grep -l -E 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' "$T"/*.err 2>/dev/null)
is "$SAN" "" "no sanitizer report on any log-tail's stderr"

done_testing
