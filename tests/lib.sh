# shellcheck shell=bash disable=SC2034
# tests/lib.sh: shared helpers for the integration tests (sourced, bash).
# (SC2034: the variables set here are for the tests that source it.)
# Each test prints TAP; prove runs them. Servers a test starts listen on
# 127.0.0.1 on a free port, live in a temporary directory and are stopped,
# by PID, when the test exits.

set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${SENSEOPS_BUILD:-$TOP/build}
BIN=$BUILD/bin
TOOLS=$BUILD/tools
FIXTURES=${SENSEOPS_FIXTURES:-$TOP/../shared/fixtures}
SHARED=$(cd "$FIXTURES/.." 2>/dev/null && pwd || echo "$TOP/../shared")
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

T_N=0
T_FAILED=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/senseops-test.XXXXXX")
T_PIDS=()

t_cleanup() {
	local pid
	for pid in "${T_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${T_PIDS[@]}"; do
		t_wait_gone "$pid" 10 || kill -9 "$pid" 2>/dev/null || true
	done
	rm -rf "$T_TMP"
}
trap t_cleanup EXIT
[ -n "${KEEP_TMP:-}" ] && trap - EXIT

# --- TAP --------------------------------------------------------------
ok() {	# ok CONDITION_STATUS DESCRIPTION  (usage: cmd; ok $? "desc")
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $T_N - $2"
	else
		echo "not ok $T_N - $2"
		T_FAILED=$((T_FAILED + 1))
	fi
}

is() {	# is GOT WANT DESCRIPTION
	T_N=$((T_N + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $T_N - $3"
	else
		echo "not ok $T_N - $3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
		T_FAILED=$((T_FAILED + 1))
	fi
}

like() {	# like TEXT EXTENDED_REGEX DESCRIPTION
	T_N=$((T_N + 1))
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		echo "ok $T_N - $3"
	else
		echo "not ok $T_N - $3"
		printf '%s\n' "$1" | head -20 | sed 's/^/#   /'
		printf '#   does not match: %s\n' "$2"
		T_FAILED=$((T_FAILED + 1))
	fi
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

done_testing() {
	echo "1..$T_N"
	[ "$T_FAILED" -eq 0 ]
}

# run CMD...: runs a command, keeping its stdout in $OUT, stderr in $ERR
# and exit status in $RC.
run() {
	"$@" >"$T_TMP/.run.out" 2>"$T_TMP/.run.err" </dev/null
	RC=$?
	OUT=$(cat "$T_TMP/.run.out")
	ERR=$(cat "$T_TMP/.run.err")
}

# --- processes and ports ----------------------------------------------
t_wait_gone() {	# t_wait_gone PID SECONDS
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# listening TCP ports on this machine, from /proc (no external command)
t_listening() {
	local f _ addr rest
	for f in /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6; do
		[ -r "$f" ] || continue
		while read -r _ addr rest; do
			[ "$addr" = local_address ] || echo $((16#${addr##*:}))
		done <"$f"
	done
}

free_port() {	# prints a port that nothing on this machine uses now
	local p used
	used=" $(t_listening | tr '\n' ' ') "
	for _ in $(seq 200); do
		p=$((20000 + RANDOM % 40000))
		case "$used" in *" $p "*) continue ;; esac
		echo "$p"
		return 0
	done
	return 1
}

wait_port() {	# wait_port PORT [SECONDS]: until 127.0.0.1:PORT accepts
	local i
	for ((i = 0; i < ${2:-15} * 20; i++)); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# start_bg NAME CMD...: starts CMD in the background, logs to $T_TMP/NAME.log,
# remembers its PID for cleanup, and sets $BG_PID.
start_bg() {
	local name=$1
	shift
	"$@" >"$T_TMP/$name.log" 2>&1 &
	BG_PID=$!
	T_PIDS+=("$BG_PID")
}

stop_bg() {	# stop_bg PID: SIGTERM, wait up to 10 s
	kill "$1" 2>/dev/null || true
	t_wait_gone "$1" 10
}

need() {	# need CMD...: skip the whole test when a program is missing
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] || skip_all "$c not installed"
	done
}

# --- servers ------------------------------------------------------------
# Each start_* sets <NAME>_PORT and <NAME>_PID and returns non-zero when the
# server did not come up.

start_mosquitto() {
	need mosquitto
	MOSQUITTO_PORT=$(free_port)
	local d=$T_TMP/mosquitto
	mkdir -p "$d"
	cat >"$d/mosquitto.conf" <<-CONF
	listener $MOSQUITTO_PORT 127.0.0.1
	allow_anonymous true
	persistence false
	CONF
	start_bg mosquitto mosquitto -c "$d/mosquitto.conf"
	MOSQUITTO_PID=$BG_PID
	wait_port "$MOSQUITTO_PORT"
}

start_influxdb() {	# InfluxDB 1.x
	need influxd
	INFLUXDB_PORT=$(free_port)
	local d=$T_TMP/influxdb rpc
	rpc=$(free_port)
	mkdir -p "$d"
	cat >"$d/influxdb.conf" <<-CONF
	reporting-disabled = true
	bind-address = "127.0.0.1:$rpc"
	[meta]
	  dir = "$d/meta"
	[data]
	  dir = "$d/data"
	  wal-dir = "$d/wal"
	  query-log-enabled = false
	[http]
	  bind-address = "127.0.0.1:$INFLUXDB_PORT"
	  log-enabled = false
	[monitor]
	  store-enabled = false
	CONF
	start_bg influxdb influxd -config "$d/influxdb.conf"
	INFLUXDB_PID=$BG_PID
	wait_port "$INFLUXDB_PORT"
}

start_victoriametrics() {
	need victoria-metrics
	VM_PORT=$(free_port)
	start_bg victoria-metrics victoria-metrics -httpListenAddr="127.0.0.1:$VM_PORT" \
		-storageDataPath="$T_TMP/vm" -retentionPeriod=1d
	VM_PID=$BG_PID
	wait_port "$VM_PORT"
}

start_prometheus() {	# scrapes nothing until a test writes its config
	need prometheus
	PROM_PORT=$(free_port)
	local d=$T_TMP/prometheus
	mkdir -p "$d"
	printf 'global:\n  scrape_interval: 1s\nscrape_configs: []\n' >"$d/prometheus.yml"
	start_bg prometheus prometheus --config.file="$d/prometheus.yml" \
		--storage.tsdb.path="$d/data" --web.listen-address="127.0.0.1:$PROM_PORT"
	PROM_PID=$BG_PID
	wait_port "$PROM_PORT"
}

start_postgres() {	# a throwaway cluster, trust auth on loopback; user "senseops"
	local bindir
	bindir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
	need "$bindir/initdb"
	PG_PORT=$(free_port)
	local d=$T_TMP/pg run_as=()
	mkdir -p "$d"
	# PostgreSQL refuses to run as root: use the postgres account then
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres "$d" && chmod 700 "$d" && chmod 711 "$T_TMP"
		run_as=(runuser -u postgres --)
	fi
	"${run_as[@]}" "$bindir/initdb" -D "$d/data" -U senseops -A trust --no-sync \
		>"$T_TMP/initdb.log" 2>&1 || return 1
	start_bg postgres "${run_as[@]}" "$bindir/postgres" -D "$d/data" -k "$d" \
		-c listen_addresses=127.0.0.1 -p "$PG_PORT" -c fsync=off
	PG_PID=$BG_PID
	PG_SOCKDIR=$d
	wait_port "$PG_PORT"
}
