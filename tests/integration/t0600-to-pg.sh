#!/usr/bin/env bash
# t0600-to-pg: to-pg against a real PostgreSQL: the fixtures field by field
# in a table per kind, the views named like Butler SOS's measurements; exactly
# once across kill -9 and a database outage; bad input; credentials, TLS,
# servers that are down; retention by whole daily partitions; --dry-run,
# --print-schema and the configuration and usage errors.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

TP=$BIN/to-pg
[ -r "$FIXTURES/log-events.txt" ] || skip_all "no fixtures at $FIXTURES"
need perl python3 "$TP"

# pgconf FILE: a configuration for the cluster started last (plain TCP)
pgconf() {
	cat >"$1" <<-YAML
	Butler-SOS:
	  postgresConfig:
	    host: 127.0.0.1
	    port: $PG_PORT
	    sslmode: disable
	YAML
}
PGC=Butler-SOS.postgresConfig
SC=$PGC.schema	# --set "$SC=NAME": a run into its own schema
# counts SCHEMA: "rows distinct min max" of the counters in SCHEMA.event_count
counts() {
	pg_sql "SELECT count(*), count(DISTINCT counter), min(counter), max(counter) FROM \"$1\".event_count" | tr '|' ' '
}
# gen N: N event_count records, counter 1..N, a millisecond apart, from now on
gen() {
	perl -e 'my $t = time() * 1000; for my $i (1 .. $ARGV[0]) {
			my $ms = $t + $i; my @g = gmtime(int($ms / 1000));
			printf "{\"kind\":\"event_count\",\"ts\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\",\"tags\":{\"qs_env\":\"t\"},\"event_type\":\"log\",\"source\":\"seq\",\"host\":\"h1\",\"subsystem\":\"s\",\"counter\":%d}\n",
				$g[5] + 1900, $g[4] + 1, $g[3], $g[2], $g[1], $g[0], $ms % 1000, $i;
		}' "$1"
}
# slowly N FILE: FILE, N lines every 10 ms (a stream that takes its time)
slowly() {
	perl -e '$| = 1; my $n = shift; while (<>) { print; select(undef, undef, undef, 0.01) if $. % $n == 0 }' "$@"
}
# stored SCHEMA N: waits (10 s at most) until SCHEMA.event_count has N rows or more
stored() {
	local i n
	for ((i = 0; i < 200; i++)); do
		n=$(pg_sql "SELECT count(*) FROM \"$1\".event_count" 2>/dev/null)
		[ "${n:-0}" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}
# last_log FILE: the final "read ... records" line
last_log() {
	grep 'msg="read ' "$1" | tail -1
}

start_postgres
ok $? "PostgreSQL started (trust authentication)"
CFG=$T_TMP/pg.yaml
pgconf "$CFG"

# --- 1. the fixtures, field by field ------------------------------------------------
fixture_stream "$T_TMP/fx.ndjson"
ok $? "fixture stream: udp-listen, sense-sim --respond and sense-poll"
cat >>"$T_TMP/fx.ndjson" <<'EXTRA'
{"kind":"error","ts":"2024-03-12T09:00:00.000Z","tags":{"host":"qliksense2.corp.example.com","server_name":"sense2"},"tool":"sense-poll","error_type":"HEALTH_API","message":"HTTP 503 from https://qliksense2.corp.example.com:4747/engine/healthcheck","endpoint":"https://qliksense2.corp.example.com:4747/engine/healthcheck","server":"sense2","server_host":"qliksense2.corp.example.com:4747","error_category":"http_status","error_code":"HTTP_503","http_status":503,"request_timeout_ms":5000}
{"kind":"process","ts":"2024-03-12T09:00:00.000Z","tags":{"host":"sos1","process":"udp-listen","butler_sos_instance":"DEV"},"pid":4242,"name":"udp-listen","rss_bytes":126615552,"rss_peak_bytes":130000000,"threads":1,"cpu_user_seconds":1.5,"cpu_system_seconds":0.5,"cpu_seconds":2}
{"kind":"host","ts":"2024-03-12T09:00:00.000Z","tags":{"host":"sos1"},"hostname":"sos1","os_pretty_name":"Debian GNU/Linux 12 (bookworm)","kernel":"6.1.0-18-amd64","arch":"x86_64","cpu_cores":8,"mem_total_bytes":16777216000,"mem_available_bytes":9123456789,"uptime_seconds":123456.78,"load_1":0.42,"load_5":0.35,"load_15":0.3}
{"kind":"license_check","ts":"2024-03-12T09:00:01.250Z","tags":{"host":"sense1","server_name":"sense1"},"allotments":[{"type":"professional","used":12,"total":20},{"type":"analyzer","used":40,"total":100}],"ok":true,"note":null,"ratio":0.6}
EXTRA
"$TP" -c "$CFG" <"$T_TMP/fx.ndjson" >"$T_TMP/fx.out" 2>"$T_TMP/fx.err"
is $? 0 "fixtures: exit 0"
NFX=$(wc -l <"$T_TMP/fx.ndjson")
like "$(last_log "$T_TMP/fx.err")" "read $NFX records; wrote $NFX rows of $NFX records; bad 0, rejected 0, NUL characters removed 0, dropped 0, pending 0\"" \
	"fixtures: all $NFX records written, none bad or rejected"
is "$(wc -c <"$T_TMP/fx.out")" 0 "fixtures: nothing on stdout"
SV=$(sed -n 's/^#define PG_SCHEMA_VERSION \([0-9]*\).*/\1/p' "$TOP/bin/to-pg/db.h")
is "$(pg_sql "SELECT string_agg(version::text, ' ' ORDER BY version) FROM senseops.schema_version")" "$(seq -s ' ' 1 "${SV:-1}")" \
	"schema_version: a row for each step up to PG_SCHEMA_VERSION ($SV)"
TABLES=$(grep -o 'T([^()]*)' "$TOP/bin/to-pg/tables.c" | sed -n 's/^T([^,]*, "\([a-z_]*\)".*/\1/p' | tr '\n' ' ')
is "$TABLES" "health sessions log_event qix_perf user_event event_count rejected_event_count queue error process host records " \
	"tables.c: a table per kind, and records"
mkdir -p "$T_TMP/rows"
for t in $TABLES; do
	pg_sql "SELECT row_to_json(t) FROM senseops.$t t" >"$T_TMP/rows/$t.json"
done
# The comparison: the columns and their paths from tables.c; each record's
# expected row (typed columns, tags, extra) against the rows in the table,
# matched by ts and content. Prints "count TABLE WANT GOT" and, per table,
# "field TABLE N" (N rows that differ) with the differences as # lines.
cat >"$T_TMP/compare.py" <<'PY'
import collections, datetime, decimal, json, math, re, sys

src = open(sys.argv[1]).read()
cols = {name: re.findall(r'\{\s*"(\w+)",\s*"([\w.]+)",\s*(CT_\w+)\s*\}', body)
        for name, body in re.findall(r'static const struct column (\w+)\[\] = \{(.*?)\};', src, re.S)}
tables = [(None if k == 'NULL' else k.strip('"'), t, c)
          for k, t, c in re.findall(r'T\((NULL|"\w+"), "(\w+)", (\w+)\)', src)]
by_kind = {k: (t, cols[c]) for k, t, c in tables if k}
catch_all = [(t, cols[c]) for k, t, c in tables if not k][0]
rowdir = sys.argv[3]

def nonul(v):
    if isinstance(v, str):
        return v.replace('\0', '')
    if isinstance(v, list):
        return [nonul(x) for x in v]
    if isinstance(v, dict):
        return {nonul(k): nonul(x) for k, x in v.items()}
    return v

def num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)

def eq(a, b):
    if num(a) and num(b):
        try:
            return decimal.Decimal(repr(a) if isinstance(a, float) else a) == \
                decimal.Decimal(repr(b) if isinstance(b, float) else b)
        except decimal.InvalidOperation:
            return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(eq(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(eq(x, y) for x, y in zip(a, b))
    return type(a) == type(b) and a == b

def at(rec, path):
    v = rec
    for p in path.split('.'):
        if not isinstance(v, dict) or p not in v:
            return None
        v = v[p]
    return v

def typed(v, ct):
    if ct == 'CT_TEXT':
        return nonul(v) if isinstance(v, str) else None
    if ct == 'CT_BIGINT':
        ok = num(v) and math.isfinite(v) and v == math.floor(v) and -2**63 <= v < 2**63
        return int(v) if ok else None
    if ct == 'CT_DOUBLE':
        return float(v) if num(v) and math.isfinite(v) else None
    if ct == 'CT_BOOL':
        return v if isinstance(v, bool) else None
    if ct == 'CT_COUNT':
        return len(v) if isinstance(v, list) else None

def ts(s):
    d = datetime.datetime.fromisoformat(s.replace('Z', '+00:00'))
    return d.replace(microsecond=d.microsecond // 1000 * 1000)

want = collections.defaultdict(list)
for line in sorted(set(open(sys.argv[2], encoding='utf-8').read().splitlines())):
    rec = json.loads(line)
    table, tc = by_kind.get(rec['kind'], catch_all)
    row = {'ts': ts(rec['ts']), 'tags': nonul(rec.get('tags', {}))}
    envelope = {'kind', 'ts', 'tags'}
    own = set()
    for name, path, ct in tc:
        row[name] = typed(at(rec, path), ct)
        # a member that is a column's whole path is not in extra, if the column holds it
        if table != catch_all[0] and '.' not in path and (row[name] is not None or rec.get(path) is None):
            own.add(path)
    row['extra'] = {k: nonul(v) for k, v in rec.items() if k not in envelope and k not in own}
    want[table].append(row)

rows = {}
for table, tc in [(t, cols[c]) for k, t, c in tables]:
    got = []
    for line in open(f'{rowdir}/{table}.json', encoding='utf-8'):
        r = json.loads(line)
        r['ts'] = ts(r['ts'])
        del r['id']
        got.append(r)
    rows[table] = list(got)
    print('count', table, len(want[table]), len(got))
    bad = 0
    for w in want[table]:
        cand = [g for g in got if g['ts'] == w['ts']]
        same = [g for g in cand if g.keys() == w.keys() and all(eq(w[k], g[k]) for k in w)]
        if same:
            got.remove(same[0])
            continue
        bad += 1
        if not cand:
            print(f'# {table}: no row at {w["ts"]}')
            continue
        best = max(cand, key=lambda g: sum(eq(w.get(k), g.get(k)) for k in w))
        for k in sorted(set(w) | set(best)):
            if not eq(w.get(k), best.get(k)):
                print(f'# {table} {w["ts"]} {k}: want {json.dumps(w.get(k))[:200]} got {json.dumps(best.get(k))[:200]}')
    print('field', table, bad + len(got))
    print('unset', table, *[n for n, _, _ in tc if all(r.get(n) is None for r in rows[table])])
PY
python3 "$T_TMP/compare.py" "$TOP/bin/to-pg/tables.c" "$T_TMP/fx.ndjson" "$T_TMP/rows" >"$T_TMP/compare.out" 2>&1
ok $? "fixtures: compared (python3)"
grep '^#' "$T_TMP/compare.out" | head -40
for t in $TABLES; do
	read -r _ _ want got < <(grep "^count $t " "$T_TMP/compare.out")
	is "${got:-?}" "${want:--}" "fixtures: $t holds ${want:-?} rows"
	is "$(sed -n "s/^field $t //p" "$T_TMP/compare.out")" 0 \
		"fixtures: $t: every typed column, tags and extra of every row equal the record's"
	is "$(sed -n "s/^unset $t *//p" "$T_TMP/compare.out")" "" "fixtures: $t: every column has a value in some row"
done
is "$(pg_sql "SELECT kind || ' ' || (extra->'allotments'->1->>'total') || ' ' || (extra ? 'note') FROM senseops.records")" \
	"license_check 100 true" "an unknown kind is in records, its whole body in extra"
for v in sense_server mem apps cpu session users cache saturated user_session_summary user_session_details \
	log_event user_events event_count rejected_event_count; do
	n=$(pg_sql "SELECT count(*) FROM senseops_butler.$v")
	ok "$([ "${n:-0}" -gt 0 ]; echo $?)" "view senseops_butler.$v returns rows ($n)"
done
is "$(pg_sql 'SELECT free FROM senseops_butler.mem')" 9124.6953125 "view mem: free memory of the health check"
is "$(pg_sql 'SELECT count(*) FROM senseops_butler.log_event')" \
	"$(pg_sql 'SELECT (SELECT count(*) FROM senseops.log_event) + (SELECT count(*) FROM senseops.qix_perf)')" \
	"view log_event: log events and qix performance events together"
is "$(pg_sql "SELECT sum(counter) FROM senseops_butler.event_count WHERE source = 'qseow-qix-perf'")" 4 \
	"view event_count: the dashboard's per-source sum"
missing=$(sed -n 's/^\([a-z_]*\)[, ].*/\1/p' "$FIXTURES/expected/influxdb-v1.lp" | sort -u | while read -r m; do
	[ "$(pg_sql "SELECT count(*) FROM pg_views WHERE schemaname = 'senseops_butler' AND viewname = '$m'")" = 1 ] ||
		printf '%s ' "$m"
done)
[ -z "$missing" ] || echo "# Butler SOS measurements without a view: $missing"
"$TP" -c "$CFG" <"$T_TMP/fx.ndjson" 2>"$T_TMP/fx2.err"
is $? 0 "fixtures again: exit 0"
is "$(grep -v '^ts=[^ ]* level=[a-z]* tool=to-pg msg=' "$T_TMP/fx2.err")" "" "stderr holds logfmt lines only (no raw server notices)"
for t in $TABLES; do
	pg_sql "SELECT row_to_json(t) FROM senseops.$t t" >"$T_TMP/rows/$t.json"
done
python3 "$T_TMP/compare.py" "$TOP/bin/to-pg/tables.c" "$T_TMP/fx.ndjson" "$T_TMP/rows" >"$T_TMP/compare2.out" 2>&1
is "$(grep -c '^field .* 0$' "$T_TMP/compare2.out")" "$(wc -w <<<"$TABLES")" "fixtures again: the same input written twice adds no row"

# the schema made in steps: an older version first, then upgraded
if [ "${SV:-1}" -gt 1 ]; then
	run "$TP" -c "$CFG" --set "$SC=steps" --init-schema --schema-version 1
	is "$RC" 0 "--init-schema --schema-version 1: exit 0"
	is "$(pg_sql "SELECT string_agg(version::text, ' ') FROM steps.schema_version")" 1 "--schema-version 1: the schema at version 1"
	is "$(pg_sql "SELECT count(*) FROM pg_namespace WHERE nspname = 'steps_butler'")" 0 "--schema-version 1: no views yet"
	"$TP" -c "$CFG" --set "$SC=steps" <"$T_TMP/fx.ndjson" 2>"$T_TMP/steps.err"
	is $? 0 "the schema upgraded on the next run: exit 0"
	is "$(pg_sql "SELECT string_agg(version::text, ' ' ORDER BY version) FROM steps.schema_version")" "$(seq -s ' ' 1 "$SV")" \
		"upgraded step by step to version $SV"
	is "$(pg_sql 'SELECT count(*) FROM steps_butler.event_count')" 24 "upgraded: the views, and the rows"
fi

# a schema name that needs quoting
"$TP" -c "$CFG" --set "$SC=my \"odd\"; schema" <"$T_TMP/fx.ndjson" 2>"$T_TMP/odd.err"
is $? 0 "a schema named my \"odd\"; schema: exit 0"
is "$(pg_sql 'SELECT count(*) FROM "my ""odd""; schema".event_count')" 24 "a schema named my \"odd\"; schema: rows written"
is "$(pg_sql 'SELECT count(*) FROM "my ""odd""; schema_butler".event_count')" 24 "... and its views"

# --- 2. exactly once ----------------------------------------------------------------------
# (a) kill -9 in the middle of 100,000 records; then the same spool and the whole input again
gen 100000 >"$T_TMP/k.ndjson"
slowly 250 "$T_TMP/k.ndjson" | "$TP" -c "$CFG" --set "$SC=kill" --spool "$T_TMP/spool-kill" 2>"$T_TMP/k1.err" &
TP_PID=$!
T_PIDS+=("$TP_PID")
stored kill 20000
kill -9 "$TP_PID"
wait "$TP_PID" 2>/dev/null
read -r before _ < <(counts kill)
ok "$([ "${before:-0}" -gt 0 ] && [ "$before" -lt 100000 ]; echo $?)" "kill -9: killed mid-stream ($before of 100000 stored)"
"$TP" -c "$CFG" --set "$SC=kill" --spool "$T_TMP/spool-kill" <"$T_TMP/k.ndjson" 2>"$T_TMP/k2.err"
is $? 0 "kill -9: restarted with the same spool and the whole input: exit 0"
is "$(counts kill)" "100000 100000 1 100000" "kill -9: every number 1..100000 stored exactly once"
like "$(last_log "$T_TMP/k2.err")" 'bad 0, rejected 0, .* pending 0"' "kill -9: nothing refused, nothing left"

# (b) PostgreSQL stops for 3 s in the middle of a stream (a memory queue)
gen 30000 >"$T_TMP/o.ndjson"
slowly 50 "$T_TMP/o.ndjson" | "$TP" -c "$CFG" --set "$SC=outage" --drain-timeout 60000 2>"$T_TMP/o.err" &
TP_PID=$!
T_PIDS+=("$TP_PID")
stored outage 5000
stop_postgres
ok $? "outage: PostgreSQL stopped"
sleep 3
restart_postgres
ok $? "outage: PostgreSQL started again on the same data and port"
wait "$TP_PID"
is $? 0 "outage: to-pg exits 0 once everything is written"
like "$(cat "$T_TMP/o.err")" 'failed|not reachable' "outage: the failure is logged"
like "$(cat "$T_TMP/o.err")" 'retrying in [0-9]+ ms' "outage: ... and retried"
is "$(counts outage)" "30000 30000 1 30000" "outage: every number 1..30000 stored exactly once"

# --- 3. bad input ---------------------------------------------------------------------------
NOW=$(date -u +%Y-%m-%dT%H:%M:%S)
INJ="'); DROP TABLE senseops.log_event; --"
{
	printf '%s\n' 'not json' '[1,2]' '{"kind":"log_event","tags":{},"message":"no ts"}'
	printf '{"kind":"event_count","ts":"yesterday","tags":{},"counter":1}\n'
	# quotes, backslashes, tab, newline, CR, UTF-8, a control character; a literal \u0000 (not a NUL)
	printf '{"kind":"log_event","ts":"%s.001Z","tags":{"path":"C:\\\\u0000\\\\x"},"source":"qseow-proxy","log_row":1,"level":"WARN","host":"h","subsystem":"a\\\\b","message":"say \\"hi\\" \\\\ back\\\\\\\\slash\\nline2\\ttab\\r\\u00e9\\u0001 \\\\u0000","note":"C:\\\\u0000"}\n' "$NOW"
	# NUL characters (\u0000) in the message, a tag value and a member without a column
	printf '{"kind":"log_event","ts":"%s.002Z","tags":{"t":"a\\u0000b"},"source":"qseow-proxy","log_row":2,"level":"INFO","host":"h","subsystem":"s","message":"nul\\u0000here","other":"x\\u0000y"}\n' "$NOW"
	printf '{"kind":"log_event","ts":"%s.003Z","tags":{},"message":"bad \xff utf8"}\n' "$NOW"
	# SQL in a tag key, a tag value, fields and the kind
	printf '{"kind":"log_event","ts":"%s.004Z","tags":{"%s":"%s"},"source":"qseow-proxy","log_row":4,"level":"INFO","host":"\\"; DROP SCHEMA senseops CASCADE; --","subsystem":"s","message":"%s","x%s":1}\n' \
		"$NOW" "$INJ" "$INJ" "$INJ" "$INJ"
	printf '{"kind":"x\\"; DROP TABLE senseops.records; --","ts":"%s.005Z","tags":{},"v":"%s"}\n' "$NOW" "$INJ"
	# absurd numbers: 1e308 and 1.5 in bigint columns, 1e308 in a double one
	printf '{"kind":"log_event","ts":"%s.006Z","tags":{},"source":"qseow-proxy","log_row":1e308,"level":"INFO","host":"h","subsystem":"s","message":"absurd"}\n' "$NOW"
	printf '{"kind":"qix_perf","ts":"%s.007Z","tags":{},"host":"h","log_row":7,"handle":1.5,"net_ram":-1e300,"process_time":1e308,"method":"m"}\n' "$NOW"
	# integers a double cannot hold exactly, in bigint columns
	printf '{"kind":"log_event","ts":"%s.010Z","tags":{},"source":"qseow-proxy","log_row":9007199254740993,"level":"INFO","host":"h","subsystem":"s","message":"2^53+1"}\n' "$NOW"
	printf '{"kind":"event_count","ts":"%s.011Z","tags":{},"event_type":"log","source":"s","host":"h","subsystem":"s","counter":9223372036854775807}\n' "$NOW"
	# a message of 1,000,000 bytes
	printf '{"kind":"log_event","ts":"%s.008Z","tags":{},"source":"qseow-proxy","log_row":8,"level":"INFO","host":"h","subsystem":"s","message":"%s"}\n' \
		"$NOW" "$(head -c 1000000 /dev/zero | tr '\0' 'x')"
	printf '{"kind":"nosuchkind","ts":"%s.009Z","tags":{}}\n' "$NOW"
} >"$T_TMP/bad.ndjson"
"$TP" -c "$CFG" --set "$SC=bad" <"$T_TMP/bad.ndjson" 2>"$T_TMP/bad.err"
is $? 0 "bad input: exit 0, the stream goes on"
like "$(last_log "$T_TMP/bad.err")" 'read 14 records; wrote 10 rows of 10 records; bad 4, rejected 0, NUL characters removed 3,' \
	"bad input: 14 read (the invalid UTF-8 line never is), 4 bad, 10 written, 3 NUL characters removed"
like "$(cat "$T_TMP/bad.err")" 'NUL characters, removed' "bad input: the removed NUL characters are logged"
like "$(cat "$T_TMP/bad.err")" 'skipped a bad record: not a JSON object' "bad input: invalid JSON and an array are reported"
like "$(cat "$T_TMP/bad.err")" 'skipped a bad record: no ts' "bad input: a record without ts is reported"
like "$(cat "$T_TMP/bad.err")" 'stdin: line 7: invalid UTF-8, skipped' "bad input: the line with invalid UTF-8 is reported"
like "$(cat "$T_TMP/bad.err")" 'ts \\"yesterday\\" is not an RFC 3339 time' "bad input: a bad ts is reported"
is "$(pg_sql 'SELECT count(*) FROM bad.rejected')" 0 "bad input: PostgreSQL refused nothing"
is "$(pg_sql "SELECT message FROM bad.log_event WHERE log_row = 1")" \
	"$(printf 'say "hi" \\ back\\\\slash\nline2\ttab\r\303\251\001 \\u0000')" \
	"quotes, backslashes, newline, tab, CR, UTF-8, a control character and a literal \\u0000 stored verbatim"
is "$(pg_sql "SELECT subsystem || ' ' || (tags->>'path') || ' ' || (extra->>'note') FROM bad.log_event WHERE log_row = 1")" \
	'a\b C:\u0000\x C:\u0000' "a literal \\u0000 in tags and extra stored verbatim (not taken for a NUL)"
is "$(pg_sql "SELECT message || ' ' || (tags->>'t') || ' ' || (extra->>'other') FROM bad.log_event WHERE log_row = 2")" \
	"nulhere ab xy" "NUL characters removed from the message, a tag and extra"
is "$(pg_sql "SELECT count(*) FROM bad.log_event WHERE message LIKE 'bad %'")" 0 "the line with invalid UTF-8 is skipped"
is "$(pg_sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'bad' AND tablename IN ('log_event', 'records')")" 2 \
	"SQL in the records: the tables are still there"
is "$(pg_sql "SELECT (SELECT key FROM jsonb_each_text(tags)) = \$\$$INJ\$\$ AND tags->>\$\$$INJ\$\$ = \$\$$INJ\$\$ AND message = \$\$$INJ\$\$ AND host = '\"; DROP SCHEMA senseops CASCADE; --' AND extra ? \$\$x$INJ\$\$ FROM bad.log_event WHERE log_row = 4")" \
	t "SQL in a tag key, a tag value, fields and a member name stored verbatim"
is "$(pg_sql "SELECT kind || '|' || (extra->>'v') FROM bad.records WHERE kind LIKE 'x%'")" "x\"; DROP TABLE senseops.records; --|$INJ" \
	"SQL in the kind: stored in records, verbatim"
# (jsonb keeps numbers as numeric: compared as numbers)
is "$(pg_sql "SELECT coalesce(log_row::text, 'NULL') || ' ' || coalesce(((extra->>'log_row')::float8 = 1e308)::text, 'absent') FROM bad.log_event WHERE message = 'absurd'")" \
	"NULL true" "1e308 in a bigint column: NULL there, the value kept in extra"
is "$(pg_sql "SELECT concat_ws(' ', coalesce(handle::text, 'NULL'), coalesce(extra->>'handle', 'absent'), coalesce(net_ram::text, 'NULL'), coalesce(((extra->>'net_ram')::float8 = -1e300)::text, 'absent')) FROM bad.qix_perf")" \
	"NULL 1.5 NULL true" "1.5 and -1e300 in bigint columns: NULL there, the values kept in extra"
is "$(pg_sql "SELECT process_time FROM bad.qix_perf")" 1e+308 "1e308 in a double precision column"
is "$(pg_sql "SELECT concat_ws(' ', (SELECT log_row FROM bad.log_event WHERE message = '2^53+1'), (SELECT counter FROM bad.event_count))")" \
	"9007199254740993 9223372036854775807" "2^53+1 and 2^63-1 in bigint columns stored exactly"
is "$(pg_sql "SELECT length(message) FROM bad.log_event WHERE log_row = 8")" 1000000 "a message of 1,000,000 bytes stored whole"
is "$(pg_sql "SELECT count(*) FROM bad.records WHERE kind = 'nosuchkind'")" 1 "an unknown kind in records"
"$TP" -c "$CFG" --set "$SC=bad" <"$T_TMP/bad.ndjson" 2>"$T_TMP/bad2.err"
is $? 0 "bad input again: exit 0"
is "$(pg_sql "SELECT concat_ws(' ', (SELECT count(*) FROM bad.log_event), (SELECT count(*) FROM bad.qix_perf), (SELECT count(*) FROM bad.records), (SELECT count(*) FROM bad.rejected))")" \
	"6 1 2 0" "bad input again: no row added, none refused"

# Rows written before, then a batch that holds them, new ones and a record
# PostgreSQL refuses (today: the literal \u0000 above): the batch is written
# through the staging tables, refused and split; only the refused record may
# end in the rejected table, the new rows in their table.
ev() {	# ev N: log event N of the duplicate test
	printf '{"kind":"log_event","ts":"%s.%03dZ","tags":{},"source":"qseow-proxy","log_row":%d,"host":"h","message":"m%d"}\n' "$NOW" "$1" "$1" "$1"
}
for i in 1 2 3 4 5 6; do ev "$i"; done >"$T_TMP/dup1.ndjson"
"$TP" -c "$CFG" --set "$SC=dup" <"$T_TMP/dup1.ndjson" 2>"$T_TMP/dup1.err"
is $? 0 "written before: exit 0"
{
	cat "$T_TMP/dup1.ndjson"
	ev 7
	ev 8
	printf '{"kind":"event_count","ts":"%s.000Z","tags":{"path":"C:\\\\u0000\\\\x"},"event_type":"log","source":"s","counter":1}\n' "$NOW"
} >"$T_TMP/dup2.ndjson"
"$TP" -c "$CFG" --set "$SC=dup" <"$T_TMP/dup2.ndjson" 2>"$T_TMP/dup2.err"
is $? 0 "again with new records and one PostgreSQL may refuse: exit 0"
is "$(pg_sql 'SELECT count(*), count(DISTINCT message) FROM dup.log_event' | tr '|' ' ')" "8 8" "the 2 new log events written, the 6 old ones not again"
is "$(pg_sql "SELECT count(*) FROM dup.rejected WHERE kind <> 'event_count'")" 0 "no log event in the rejected table"

# --- 6. retention -----------------------------------------------------------------------------
day() {	# day DAYS_AGO: YYYY-MM-DD
	date -u -d "@$(($(date +%s) - $1 * 86400))" +%Y-%m-%d
}
{
	for a in 100 31 29 0; do
		for i in 1 2 3; do
			printf '{"kind":"event_count","ts":"%sT12:00:00.00%dZ","tags":{},"event_type":"log","source":"ret","counter":%d}\n' "$(day "$a")" "$i" "$a"
			printf '{"kind":"log_event","ts":"%sT00:00:00.00%dZ","tags":{},"source":"qseow-proxy","log_row":%d,"message":"%d days"}\n' "$(day "$a")" "$i" "$a" "$a"
		done
	done
} >"$T_TMP/ret.ndjson"
"$TP" -c "$CFG" --set "$SC=ret" <"$T_TMP/ret.ndjson" 2>"$T_TMP/ret.err"
is $? 0 "retention: rows 100, 31, 29 and 0 days old written"
parts() {	# the partitions of ret.event_count and ret.log_event of the test's days
	pg_sql "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
		WHERE p.relnamespace = 'ret'::regnamespace AND p.relname IN ('event_count', 'log_event') ORDER BY 1" |
		grep -E "_($(day 100 | tr -d -)|$(day 31 | tr -d -)|$(day 29 | tr -d -)|$(day 0 | tr -d -))$" | tr '\n' ' '
}
D100=$(day 100 | tr -d -) D31=$(day 31 | tr -d -) D29=$(day 29 | tr -d -) D0=$(day 0 | tr -d -)
is "$(parts)" "event_count_$D100 event_count_$D31 event_count_$D29 event_count_$D0 log_event_$D100 log_event_$D31 log_event_$D29 log_event_$D0 " \
	"retention: a daily partition per day"
run "$TP" -c "$CFG" --set "$SC=ret" --init-schema --retention 30
is "$RC" 0 "--init-schema --retention 30: exit 0"
like "$ERR" "retention: dropped partition event_count_$D100" "retention: the dropping is logged"
is "$(parts)" "event_count_$D29 event_count_$D0 log_event_$D29 log_event_$D0 " \
	"retention: only the partitions older than 30 days are gone (pg_inherits)"
is "$(pg_sql "SELECT string_agg(counter || ':' || n, ' ' ORDER BY counter) FROM (SELECT counter, count(*) n FROM ret.event_count GROUP BY 1) x")" \
	"0:3 29:3" "retention: the rows of the last 30 days are all there, the older ones gone"
is "$(pg_sql "SELECT count(*) FROM ret.log_event")" 6 "retention: log_event too"

# --- 7. --dry-run, --print-schema, configuration and usage errors ------------------------------
DEAD=$(free_port)
printf 'Butler-SOS:\n  postgresConfig:\n    host: 127.0.0.1\n    port: %s\n' "$DEAD" >"$T_TMP/dead.yaml"
head -3 "$T_TMP/fx.ndjson" >"$T_TMP/three.ndjson"
"$TP" -c "$T_TMP/dead.yaml" --dry-run <"$T_TMP/three.ndjson" >"$T_TMP/dry.out" 2>"$T_TMP/dry.err"
is $? 0 "--dry-run: exit 0 with no server"
like "$(cat "$T_TMP/dry.out")" '^COPY "senseops"\."(health|sessions)" FROM STDIN;' "--dry-run prints the COPY statements"
is "$(grep -c '^\\\.$' "$T_TMP/dry.out")" "$(grep -c '^COPY ' "$T_TMP/dry.out")" "--dry-run: each COPY's data ends in \\."
is "$(grep -vc '^COPY \|^\\\.$' "$T_TMP/dry.out")" 3 "--dry-run: a data row per record"
like "$(grep -v '^COPY \|^\\\.$' "$T_TMP/dry.out" | head -1)" $'^20[0-9-]+T[0-9:.]+Z\t-?[0-9]+\t' "--dry-run: a row is ts, id, then the columns, tab-separated"
ok "$(grep -c 'not reachable\|connected' "$T_TMP/dry.err")" "--dry-run does not connect"
run "$TP" -c "$CFG" --print-schema
is "$RC" 0 "--print-schema: exit 0"
like "$OUT" 'CREATE TABLE IF NOT EXISTS "senseops"\."log_event" \(ts timestamptz NOT NULL, id bigint NOT NULL, host text' "--print-schema: the tables"
like "$OUT" 'CREATE OR REPLACE VIEW "senseops_butler"\.mem AS' "--print-schema: the views"
"$TP" -c "$CFG" --set "$SC=printed" --print-schema >"$T_TMP/printed.sql"
PGPASSWORD=$PG_PASS "$PG_BINDIR/psql" -h 127.0.0.1 -p "$PG_PORT" -U senseops -d senseops -X -q -v ON_ERROR_STOP=1 \
	-f "$T_TMP/printed.sql" >"$T_TMP/printed.out" 2>&1
ok $? "--print-schema: PostgreSQL takes the SQL as it is"
is "$(pg_sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'printed'")" 15 "--print-schema: 12 tables, rejected, positions, schema_version"
run "$TP" -c "$CFG" --set "$PGC.sslmode=verify-everything"
is "$RC" 78 "a bad sslmode: exit 78"
like "$ERR" 'sslmode.*is not a libpq sslmode' "a bad sslmode: says so"
printf 'Butler-SOS:\n  postgresConfig:\n    schema: ""\n' >"$T_TMP/noschema.yaml"
run "$TP" -c "$T_TMP/noschema.yaml"
is "$RC" 78 "an empty schema: exit 78"
like "$ERR" 'noschema.yaml:3: .*schema: must be 1 to 40 characters' "an empty schema: says so, and where"
run "$TP" -c "$CFG" --set "$SC=$(printf 's%.0s' $(seq 41))"
is "$RC" 78 "a schema of 41 characters: exit 78"
run "$TP" -c "$CFG" --no-such-option
is "$RC" 64 "an unknown option: exit 64"
run "$TP" -c "$CFG" --dry-run extra
is "$RC" 64 "an operand: exit 64"

# --- 4. credentials and availability; 5. TLS ---------------------------------------------------
stop_postgres
"$TOOLS/sense-sim" --make-certs "$T_TMP/certs" 2>"$T_TMP/certs.err"
ok $? "sense-sim --make-certs: the test CA"
CERTS=$T_TMP/certs
PG_PASSWORD='right horse' PG_SSL_CERT=$CERTS/server.pem PG_SSL_KEY=$CERTS/server_key.pem start_postgres
ok $? "PostgreSQL with passwords (scram-sha-256) and TLS started"
CFG=$T_TMP/pw.yaml
pgconf "$CFG"
printf 'wrong battery\n' >"$T_TMP/wrong.pw"
printf 'right horse\n' >"$T_TMP/right.pw"
chmod 600 "$T_TMP/wrong.pw" "$T_TMP/right.pw"
export PGPASSFILE=$T_TMP/no-such-pgpass
run "$TP" -c "$CFG" --password-file "$T_TMP/wrong.pw"
is "$RC" 77 "a wrong password: exit 77"
like "$ERR" 'refused the credentials.*password authentication failed for user' "a wrong password: says so"
is "$(printf '%s' "$ERR" | grep -c 'battery')" 0 "a wrong password: the password is never printed"
run "$TP" -c "$CFG"
is "$RC" 77 "no password: exit 77"
"$TP" -c "$CFG" --set "$SC=pwfile" --password-file "$T_TMP/right.pw" <"$T_TMP/fx.ndjson" 2>"$T_TMP/pwfile.err"
is $? 0 "the right password from --password-file: exit 0"
is "$(pg_sql 'SELECT count(*) FROM pwfile.event_count')" 24 "the right password from --password-file: rows written"
SENSEOPS_PG_PASSWORD='right horse' "$TP" -c "$CFG" --set "$SC=pwenv" <"$T_TMP/fx.ndjson" 2>"$T_TMP/pwenv.err"
is $? 0 "the right password from SENSEOPS_PG_PASSWORD: exit 0"
is "$(pg_sql 'SELECT count(*) FROM pwenv.event_count')" 24 "the right password from SENSEOPS_PG_PASSWORD: rows written"
is "$(cat "$T_TMP"/pwfile.err "$T_TMP"/pwenv.err | grep -c 'horse')" 0 "the right password is never printed either"
export SENSEOPS_PG_PASSWORD='right horse'

# TLS, verified against the test CA
TLS=(--set "$PGC.host=localhost" --set "$PGC.sslmode=verify-full")
"$TP" -c "$CFG" "${TLS[@]}" --set "$PGC.sslRootCert=$CERTS/root.pem" --set "$SC=tls" \
	<"$T_TMP/fx.ndjson" 2>"$T_TMP/tls.err"
is $? 0 "TLS verify-full, the right CA, host localhost: exit 0"
is "$(pg_sql 'SELECT count(*) FROM tls.event_count')" 24 "TLS verify-full: rows written"
is "$(grep -c 'NOT verified' "$T_TMP/tls.err")" 0 "TLS verify-full: no warning"
"$TP" -c "$CFG" "${TLS[@]}" --set "$PGC.sslRootCert=$CERTS/other_root.pem" --set "$SC=tlsbad" \
	--drain-timeout 1500 <"$T_TMP/three.ndjson" 2>"$T_TMP/tlsbad.err"
is $? 75 "TLS with another CA: nothing written, exit 75 after the drain timeout"
like "$(cat "$T_TMP/tlsbad.err")" 'not reachable \(.*certificate verify failed.*retrying in' "TLS with another CA: the TLS error is logged, and retried"
like "$(cat "$T_TMP/tlsbad.err")" '3 records not written yet are lost' "TLS with another CA: says what is lost"
is "$(pg_sql "SELECT count(*) FROM pg_namespace WHERE nspname = 'tlsbad'")" 0 "TLS with another CA: the server saw nothing"
for m in disable prefer; do
	"$TP" -c "$CFG" --set "$PGC.sslmode=$m" --set "$SC=ssl$m" <"$T_TMP/three.ndjson" 2>"$T_TMP/ssl$m.err"
	is $? 0 "sslmode $m: exit 0"
	like "$(head -1 "$T_TMP/ssl$m.err")" "level=warn .*sslmode is $m: the server's certificate is NOT verified" "sslmode $m: a warning at start"
done
"$TP" -c "$CFG" --set "$PGC.sslmode=verify-ca" --set "$PGC.sslRootCert=$CERTS/root.pem" \
	--set "$SC=sslca" <"$T_TMP/three.ndjson" 2>"$T_TMP/sslca.err"
like "$(head -1 "$T_TMP/sslca.err")" "sslmode is verify-ca: the server's certificate's host name is NOT verified" "sslmode verify-ca: a warning about the host name"

# the server down at start: with a spool, to-pg waits and retries, then writes everything
stop_postgres
"$TP" -c "$CFG" --set "$SC=late" --spool "$T_TMP/spool-late" --drain-timeout 60000 <"$T_TMP/fx.ndjson" 2>"$T_TMP/late.err" &
TP_PID=$!
T_PIDS+=("$TP_PID")
sleep 2
ok "$(kill -0 "$TP_PID"; echo $?)" "server down at start: to-pg keeps running"
like "$(cat "$T_TMP/late.err")" 'PostgreSQL not reachable \(.*\); retrying in [0-9]+ ms, records kept in the spool' "server down at start: it says so, and retries"
restart_postgres
ok $? "PostgreSQL started again"
wait "$TP_PID"
is $? 0 "server down at start: exit 0 once written"
is "$(pg_sql 'SELECT count(*) FROM late.event_count')" 24 "server down at start: everything written"
stop_postgres
"$TP" -c "$CFG" --drain-timeout 1000 <"$T_TMP/three.ndjson" 2>"$T_TMP/down.err"
is $? 75 "server down, no spool, a short drain timeout: exit 75"
like "$(cat "$T_TMP/down.err")" '3 records not written yet are lost' "server down, no spool: says what is lost"
is "$(cat "$T_TMP"/*.err | grep -c 'horse\|battery')" 0 "no password in any log"

done_testing
