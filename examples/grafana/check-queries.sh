#!/usr/bin/env bash
# check-queries.sh: runs every SQL query of the Grafana dashboard against a
# senseops database that to-pg writes, the way Grafana would send it, and
# prints one ok / not ok line per query and variant.
#
#   PGHOST=127.0.0.1 PGPORT=5432 PGUSER=grafana PGDATABASE=senseops \
#       examples/grafana/check-queries.sh [--expect-rows] [--show] [dashboard.json]
#
# The connection is psql's: PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD or
# ~/.pgpass, PGSSLMODE... The queries run in read-only transactions.
#
# What is checked, for the template variables and for every panel target:
#   - the Grafana macros are expanded as Grafana's PostgreSQL data source
#     does ($__timeFilter, $__timeGroup, $__timeGroupAlias, $__timeFrom,
#     $__timeTo, $__interval, $__interval_ms) and nothing that looks like a
#     variable or macro is left over;
#   - the query runs without error with every variable set to "All" (its
#     custom all value), with each variable alone set to the first values (up
#     to two) that its own query returns, quoted the way Grafana quotes them,
#     and with all of them set so at once;
#   - a time series query returns a "time" column, in ascending order;
#   - with --expect-rows, the "All" run of every query returns rows and every
#     variable returns values: for a database loaded with a fixture that holds
#     every kind of record;
#   - with --show, the rows each query returned follow its line, as comments.
#
# Environment: CHECK_FROM and CHECK_TO (RFC 3339, default ten years ago and
# now) are the dashboard's time range, CHECK_INTERVAL (default 1h) is
# $__interval.
#
# The last line is "N passed, N failed"; the exit status is 0 when nothing
# failed, 1 when something did and 2 on a usage error.
set -euo pipefail

usage() {
	echo "usage: $0 [--expect-rows] [--show] [dashboard.json]"
}

expect_rows=0
show=0
while [ $# -gt 0 ]; do
	case $1 in
	--expect-rows) expect_rows=1 ;;
	--show) show=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	--)
		shift
		break
		;;
	-*)
		usage >&2
		exit 2
		;;
	*) break ;;
	esac
	shift
done
[ $# -le 1 ] || {
	usage >&2
	exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
dashboard=${1:-$here/senseops-postgres.json}
[ -r "$dashboard" ] || {
	echo "$0: cannot read $dashboard" >&2
	exit 2
}
for c in psql python3; do
	command -v "$c" >/dev/null || {
		echo "$0: $c is needed" >&2
		exit 2
	}
done

export EXPECT_ROWS=$expect_rows SHOW_ROWS=$show
exec python3 - "$dashboard" <<'PY'
import csv
import datetime
import io
import json
import os
import re
import subprocess
import sys

path = sys.argv[1]
expect_rows = os.environ.get("EXPECT_ROWS") == "1"
show_rows = os.environ.get("SHOW_ROWS") == "1"
with open(path, encoding="utf-8") as f:
    dash = json.load(f)

now = datetime.datetime.now(datetime.timezone.utc)


def rfc3339(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


t_from = os.environ.get("CHECK_FROM") or rfc3339(now - datetime.timedelta(days=3653))
t_to = os.environ.get("CHECK_TO") or rfc3339(now)
interval = os.environ.get("CHECK_INTERVAL") or "1h"

UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


def seconds(iv):
    m = re.fullmatch(r"(\d+)(ms|s|m|h|d|w|y)", iv.strip().strip("'"))
    if not m:
        raise ValueError(f"cannot read the interval {iv!r}")
    s = int(m.group(1)) * UNITS[m.group(2)]
    return int(s) if float(s).is_integer() else s


def macro(name, args):
    """As pkg/tsdb/grafana-postgresql-datasource/macros.go expands them."""
    if name == "__time":
        return f'{args[0]} AS "time"'
    if name == "__timeEpoch":
        return f'extract(epoch from {args[0]}) as "time"'
    if name == "__timeFilter":
        return f"{args[0]} BETWEEN '{t_from}' AND '{t_to}'"
    if name == "__timeFrom":
        return f"'{t_from}'"
    if name == "__timeTo":
        return f"'{t_to}'"
    if name in ("__timeGroup", "__timeGroupAlias"):
        if len(args) < 2:
            raise ValueError(f"${name} needs a column and an interval")
        s = seconds(args[1])
        g = f"floor(extract(epoch from {args[0]})/{s})*{s}"
        return g + ' AS "time"' if name == "__timeGroupAlias" else g
    raise ValueError(f"unknown macro ${name}")


def expand(sql, values):
    """Grafana's front end replaces the variables, then the data source the macros."""
    builtins = {"__interval": interval, "__interval_ms": str(int(seconds(interval) * 1000))}

    def var(m):
        name = m.group(1) or m.group(2)
        if name in values:
            return values[name]
        if name in builtins:
            return builtins[name]
        return m.group(0)

    sql = re.sub(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)", var, sql)
    errors = []

    def mac(m):
        name = m.group(1)
        if name == "__timeGroup" and sql[m.end():m.end() + 1] == ",":
            name = "__timeGroupAlias"	# pre-5.3 use, as Grafana does
        try:
            return macro(name, [a.strip() for a in m.group(2).split(",")])
        except ValueError as e:
            errors.append(str(e))
            return "macro_error()"

    sql = re.sub(r"\$([_a-zA-Z0-9]+)\(([^)]*)\)", mac, sql)
    if errors:
        raise ValueError("; ".join(errors))
    left = re.findall(r"\$\{?\w+", sql)
    if left:
        raise ValueError("not expanded: " + ", ".join(sorted(set(left))))
    return sql


def psql(sql):
    env = dict(os.environ)
    env["PGOPTIONS"] = (env.get("PGOPTIONS", "") +
                        " -c default_transaction_read_only=on -c statement_timeout=60000").strip()
    p = subprocess.run(["psql", "-X", "-q", "--csv", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError((p.stderr.strip() or f"psql exited {p.returncode}").splitlines()[0])
    rows = list(csv.reader(io.StringIO(p.stdout)))
    return (rows[0] if rows else []), rows[1:]


def quote(v):
    return "'" + v.replace("'", "''") + "'"


n = passed = failed = 0


def report(ok, what, note="", sql=None):
    global n, passed, failed
    n += 1
    if ok:
        passed += 1
    else:
        failed += 1
    print(f"{'ok' if ok else 'not ok'} {n} - {what}" + (f": {note}" if note else ""))
    if not ok and sql:
        for line in sql.splitlines():
            print("#   " + line)
    sys.stdout.flush()


def plural(k, word):
    return f"{k} {word}" + ("" if k == 1 else "s")


# ------------------------------------------------ the data source references
inputs = [i.get("name") for i in dash.get("__inputs", [])
          if i.get("type") == "datasource" and i.get("pluginId") == "postgres"]
report("DS_POSTGRES" in inputs, "__inputs has the postgres data source DS_POSTGRES")

targets = []	# (title, format, sql)
bad_ds = []


def walk(panels, row=""):
    for p in panels:
        if p.get("type") == "row":
            row = p.get("title", "")
            walk(p.get("panels", []), row)
            continue
        title = f"{row} / {p.get('title', '?')}" if row else p.get("title", "?")
        for t in p.get("targets", []):
            ds = t.get("datasource") or p.get("datasource") or {}
            if ds.get("uid") != "${DS_POSTGRES}":
                bad_ds.append(title)
            if t.get("rawSql"):
                targets.append((title + (f" ({t['refId']})" if len(p["targets"]) > 1 else ""),
                                t.get("format", "time_series"), t["rawSql"]))
        walk(p.get("panels", []), row)


walk(dash.get("panels", []))
report(not bad_ds, "every panel target uses ${DS_POSTGRES}", ", ".join(bad_ds))
report(bool(targets), "the dashboard has SQL queries", str(len(targets)))

# ------------------------------------------------ the template variables
variables = [v for v in dash.get("templating", {}).get("list", []) if v.get("type") == "query"]
all_values, some_values = {}, {}
for v in variables:
    name = v["name"]
    all_values[name] = v.get("allValue") if v.get("includeAll") and v.get("allValue") else None
for v in variables:
    name = v["name"]
    q = v.get("query")
    q = q.get("rawSql", q.get("query")) if isinstance(q, dict) else q
    try:
        sql = expand(q, {k: x for k, x in all_values.items() if x is not None})
        _, rows = psql(sql)
        vals = [r[0] for r in rows if r and r[0] != ""]
        ok = bool(vals) or not expect_rows
        report(ok, f"variable {name}", plural(len(vals), "value") + (": " + ", ".join(vals[:5]) if vals else ""),
               None if ok else sql)
    except (ValueError, RuntimeError) as e:
        report(False, f"variable {name}", str(e), q)
        vals = []
    if all_values[name] is None:
        # without a custom all value Grafana sends every value; none would give IN ()
        all_values[name] = ",".join(quote(x) for x in vals) if vals else "NULL"
        report(bool(vals), f"variable {name} has a custom all value or values",
               "" if vals else "All would expand to an empty list")
    some_values[name] = ",".join(quote(x) for x in vals[:2]) if vals else all_values[name]

# ------------------------------------------------ the panels
variants = [("all", all_values)]
for k, x in some_values.items():
    if x != all_values[k]:
        variants.append((f"{k}={x}", {**all_values, k: x}))
if len(variants) > 2:
    variants.append((" ".join(f"{k}={x}" for k, x in some_values.items()), some_values))


def ascending(col):
    def key(x):
        try:
            return (0, float(x), "")
        except ValueError:
            return (1, 0.0, x)
    keys = [key(x) for x in col if x != ""]
    return all(a <= b for a, b in zip(keys, keys[1:]))


for title, fmt, raw in targets:
    for vname, values in variants:
        what = f"{title} [{vname}]"
        try:
            sql = expand(raw, values)
        except ValueError as e:
            report(False, what, str(e), raw)
            continue
        try:
            header, rows = psql(sql)
        except RuntimeError as e:
            report(False, what, str(e), sql)
            continue
        note = plural(len(rows), "row")
        ok = True
        if fmt == "time_series":
            if "time" not in header:
                ok, note = False, note + "; a time series without a time column"
            elif not ascending([r[header.index("time")] for r in rows]):
                ok, note = False, note + "; time is not in ascending order"
        if expect_rows and vname == "all" and not rows:
            ok, note = False, note + "; rows were expected"
        report(ok, what, note, None if ok else sql)
        if show_rows:
            for r in [header] + rows[:20]:
                print("#   " + " | ".join(r))
            if len(rows) > 20:
                print(f"#   ... {len(rows) - 20} more")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
