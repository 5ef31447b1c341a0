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

start_mosquitto() {	# MOSQUITTO_CONF: lines for the listener (default: anonymous); MOSQUITTO_PERSIST=1: keep sessions
	need mosquitto
	MOSQUITTO_PORT=$(free_port)
	local d=$T_TMP/mosquitto
	mkdir -p "$d"
	{
		# as root it would switch to the mosquitto user, who cannot read the test's key files
		[ "$(id -u)" -eq 0 ] && echo "user root"
		echo "per_listener_settings true"
		# a test subscriber that falls behind on a loaded machine must not lose
		# messages to the broker's default queue limit (1000 per client)
		echo "max_queued_messages 1000000"
		echo "listener $MOSQUITTO_PORT 127.0.0.1"
		printf '%s\n' "${MOSQUITTO_CONF:-allow_anonymous true}"
		if [ -n "${MOSQUITTO_PERSIST:-}" ]; then
			echo "persistence true"
			echo "persistence_location $d/"
			echo "autosave_interval 1"
		else
			echo "persistence false"
		fi
	} >"$d/mosquitto.conf"
	start_bg mosquitto mosquitto -c "$d/mosquitto.conf"
	MOSQUITTO_PID=$BG_PID
	wait_port "$MOSQUITTO_PORT"
}

restart_mosquitto() {	# after stop_bg $MOSQUITTO_PID: the same configuration, port and sessions
	start_bg mosquitto mosquitto -c "$T_TMP/mosquitto/mosquitto.conf"
	MOSQUITTO_PID=$BG_PID
	wait_port "$MOSQUITTO_PORT"
}

start_influxdb() {	# InfluxDB 1.x
	need influxd
	INFLUXDB_PORT=$(free_port)
	local d=$T_TMP/influxdb rpc https=false
	[ -n "${INFLUXDB_TLS_CERT:-}" ] && https=true
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
	  auth-enabled = ${INFLUXDB_AUTH:-false}
	  https-enabled = $https
	  https-certificate = "${INFLUXDB_TLS_CERT:-}"
	  https-private-key = "${INFLUXDB_TLS_KEY:-}"
	[monitor]
	  store-enabled = false
	CONF
	start_bg influxdb influxd -config "$d/influxdb.conf"
	INFLUXDB_PID=$BG_PID
	wait_port "$INFLUXDB_PORT"
}

restart_influxdb() {	# after stop_bg $INFLUXDB_PID: the same data and port again
	start_bg influxdb influxd -config "$T_TMP/influxdb/influxdb.conf"
	INFLUXDB_PID=$BG_PID
	wait_port "$INFLUXDB_PORT"
}

influx_query() {	# influx_query DB QUERY: InfluxDB 1.x JSON answer on stdout
	curl -sS -G "http://127.0.0.1:$INFLUXDB_PORT/query" --data-urlencode "db=$1" \
		--data-urlencode "q=$2" ${INFLUXDB_USER:+-u "$INFLUXDB_USER"}
}

start_victoriametrics() {
	need victoria-metrics
	VM_PORT=$(free_port)
	start_bg victoria-metrics victoria-metrics -httpListenAddr="127.0.0.1:$VM_PORT" \
		-storageDataPath="$T_TMP/vm" -retentionPeriod=100y
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

# start_postgres: a throwaway cluster (a new one in $PG_DIR each call) on
# 127.0.0.1 with the superuser "senseops" and a database "senseops". Trust
# authentication, unless PG_PASSWORD is set: then scram-sha-256 on TCP with
# that password (the Unix socket in $PG_SOCKDIR stays trust).
# PG_SSL_CERT and PG_SSL_KEY (and PG_SSL_CA): TLS on, with copies of the files
# that only the server's account may read.
start_postgres() {
	local bindir
	bindir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
	need "$bindir/initdb"
	PG_BINDIR=$bindir
	PG_PORT=$(free_port)
	PG_SEQ=$((${PG_SEQ:-0} + 1))
	PG_PASS=${PG_PASSWORD:-}
	local d=$T_TMP/pg$PG_SEQ run_as=() srv_as=() f
	local init=(-U senseops -A trust --no-sync)
	local opts=(-c listen_addresses=127.0.0.1 -p "$PG_PORT" -c fsync=off)
	mkdir -p "$d"
	if [ -n "$PG_PASS" ]; then
		printf '%s\n' "$PG_PASS" >"$d/pwfile"
		init=(-U senseops --auth-local=trust --auth-host=scram-sha-256 --pwfile="$d/pwfile" --no-sync)
	fi
	if [ -n "${PG_SSL_CERT:-}" ]; then
		cp "$PG_SSL_CERT" "$d/server.crt" && cp "$PG_SSL_KEY" "$d/server.key" || return 1
		chmod 600 "$d/server.key"
		opts+=(-c ssl=on -c "ssl_cert_file=$d/server.crt" -c "ssl_key_file=$d/server.key")
		if [ -n "${PG_SSL_CA:-}" ]; then
			cp "$PG_SSL_CA" "$d/ca.crt" || return 1
			opts+=(-c "ssl_ca_file=$d/ca.crt")
		fi
	fi
	# PostgreSQL refuses to run as root: use the postgres account then (the
	# server through setpriv, which execs: signals reach the postmaster itself)
	if [ "$(id -u)" -eq 0 ]; then
		for f in "$d" "$d"/*; do
			[ -e "$f" ] && chown postgres "$f"
		done
		chmod 700 "$d" && chmod 711 "$T_TMP"
		run_as=(runuser -u postgres --)
		srv_as=(setpriv --reuid=postgres --regid=postgres --init-groups --)
	fi
	"${run_as[@]}" "$bindir/initdb" -D "$d/data" "${init[@]}" >"$d/initdb.log" 2>&1 || return 1
	rm -f "$d/pwfile"
	PG_DIR=$d
	PG_SOCKDIR=$d
	PG_CMD=("${srv_as[@]}" "$bindir/postgres" -D "$d/data" -k "$d" "${opts[@]}")
	start_bg postgres "${PG_CMD[@]}"
	PG_PID=$BG_PID
	pg_wait_ready || return 1
	"$bindir/psql" -h "$d" -p "$PG_PORT" -U senseops -d postgres -X -q -c 'CREATE DATABASE senseops' \
		>>"$d/initdb.log" 2>&1
}

pg_wait_ready() {	# until the cluster of start_postgres accepts connections (15 s at most)
	local i
	for ((i = 0; i < 300; i++)); do
		kill -0 "$PG_PID" 2>/dev/null || return 1
		"$PG_BINDIR/pg_isready" -q -h "$PG_SOCKDIR" -p "$PG_PORT" && return 0
		sleep 0.05
	done
	return 1
}

stop_postgres() {	# a fast shutdown: open connections are ended, not waited for
	kill -INT "$PG_PID" 2>/dev/null || true
	t_wait_gone "$PG_PID" 10
}

restart_postgres() {	# after stop_postgres: the same cluster, configuration and port again
	start_bg postgres "${PG_CMD[@]}"
	PG_PID=$BG_PID
	pg_wait_ready
}

pg_sql() {	# pg_sql SQL: runs it in the database senseops over TCP; rows unaligned, '|' between columns
	PGPASSWORD=$PG_PASS "$PG_BINDIR/psql" -h 127.0.0.1 -p "$PG_PORT" \
		-U senseops -d senseops -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"
}

# start_sim CERTS NAME ARGS...: sense-sim on the certificates in CERTS, ready
# when it returns (status 1 when not within 15 s); its ports in
# $T_TMP/NAME.ports and its log in $T_TMP/NAME.log. Sets SIM_PID, and P0 and
# P1, the ports of servers 0 and 1.
start_sim() {
	local certs=$1 name=$2 r
	shift 2
	rm -f "$T_TMP/$name.ports" "$T_TMP/ready.$name"
	mkfifo "$T_TMP/ready.$name"
	exec 8<>"$T_TMP/ready.$name"
	"$TOOLS/sense-sim" --certs "$certs" --ports-file "$T_TMP/$name.ports" --ready-fd 3 "$@" \
		3>"$T_TMP/ready.$name" 2>"$T_TMP/$name.log" &
	SIM_PID=$!
	T_PIDS+=("$SIM_PID")
	read -r -t 15 _ <&8
	r=$?
	exec 8<&-
	P0=$(awk '$1 == 0 { print $2 }' "$T_TMP/$name.ports")
	P1=$(awk '$1 == 1 { print $2 }' "$T_TMP/$name.ports")
	return $r
}

# --- the fixtures as senseops records ------------------------------------
# fixture_stream FILE: the whole fixture input through the real sources, as
# Butler SOS 15.0.1 saw it for the golden files: the log and user event
# datagrams through udp-listen, and the health check and proxy session
# responses through sense-sim (--respond) and sense-poll, with the server
# names of the fixtures put back where sense-sim's localhost stands.
fixture_stream() {
	local out=$1 d=$T_TMP/fixture-stream lp up pid p0 cfg=$FIXTURES/expected/butler-sos-config-used.yaml
	mkdir -p "$d"
	cat >"$d/names.ndjson" <<-'NAMES'
	{"id":"e7af59a0-c243-480d-9571-08727551a66f","name":"Sales forecast"}
	{"id":"d7cf16f9-6a95-462a-9ff1-a6d413326de4","name":"Budget 2025"}
	{"id":"6931136d-c234-4358-a40c-e37153aba7c9","name":"Sales basket analysis"}
	{"id":"5b817efe-f7cc-4f38-9d1f-b2f3cbbbb42b","name":"Inventory analysis"}
	NAMES
	lp=$(free_port)
	up=$(free_port)
	while [ "$up" = "$lp" ]; do up=$(free_port); done
	mkfifo "$d/ul.ready"
	exec 8<>"$d/ul.ready"
	"$BIN/udp-listen" -c "$cfg" --app-names "$d/names.ndjson" --log-listen "127.0.0.1:$lp" \
		--user-listen "127.0.0.1:$up" --ready-fd 3 3>"$d/ul.ready" >"$d/udp.ndjson" 2>"$d/udp.err" &
	pid=$!
	T_PIDS+=("$pid")
	read -r -t 10 _ <&8 || return 1
	exec 8<&-
	"$TOP/tests/udpsend" "$lp" "$FIXTURES/log-events.txt" "$FIXTURES/qix-perf.txt" \
		"$FIXTURES/log-events-edge.txt" >/dev/null || return 1
	"$TOP/tests/udpsend" "$up" "$FIXTURES/user-events.txt" "$FIXTURES/user-events-edge.txt" >/dev/null || return 1
	kill -TERM "$pid"
	wait "$pid" || return 1

	# /hdr answered erik's session alone in the Butler SOS run
	perl -MJSON::PP -e 'local $/; my $j = JSON::PP->new->canonical; my $a = $j->decode(<STDIN>);
		print $j->encode([grep { $_->{UserId} eq "erik" } @$a])' <"$FIXTURES/proxy-sessions.json" >"$d/hdr.json"
	"$TOOLS/sense-sim" --make-certs "$d/certs" 2>/dev/null || return 1
	start_sim "$d/certs" fixture-sim --servers 1 \
		--respond "/engine/healthcheck=$FIXTURES/healthcheck.json" \
		--respond "/qps/session=$FIXTURES/proxy-sessions.json" --respond "/qps/hdr/session=$d/hdr.json" || return 1
	pid=$SIM_PID p0=$P0
	cat >"$d/poll.yaml" <<-YAML
	Butler-SOS:
	  cert: {clientCert: $d/certs/client.pem, clientCertKey: $d/certs/client_key.pem, clientCertCA: $d/certs/root.pem}
	  influxdbConfig:
	    includeFields: {activeDocs: true, loadedDocs: true, inMemoryDocs: true}
	  appNames: {enableAppNameExtract: true, hostIP: localhost:$p0}
	  userSessions:
	    enableSessionExtract: true
	    excludeUser: [{directory: CORP, userId: svc_monitor}]
	  serversToMonitor:
	    serverTagsDefinition: [server_group, serverLocation]
	    servers:
	      - host: localhost:$p0
	        serverName: sense1
	        serverDescription: Central node
	        userSessions: {enable: true, host: localhost:$p0, virtualProxies: [{virtualProxy: /}, {virtualProxy: /hdr}]}
	        serverTags: {server_group: PROD, serverLocation: Europe}
	YAML
	"$BIN/sense-poll" -c "$d/poll.yaml" --once 2>"$d/poll.err" >"$d/poll.ndjson" || return 1
	stop_bg "$pid"
	sed -e "s/\"user_session_host\":\"localhost:$p0\"/\"user_session_host\":\"qliksense1.corp.example.com:4243\"/g" \
		-e 's/"host":"localhost"/"host":"qliksense1.corp.example.com"/g' \
		-e "s/localhost:$p0/qliksense1.corp.example.com:4747/g" "$d/poll.ndjson" >"$d/poll.fixed"
	cat "$d/poll.fixed" "$d/udp.ndjson" >"$out"
}
