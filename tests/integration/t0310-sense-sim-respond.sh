#!/usr/bin/env bash
# t0310-sense-sim-respond: sense-sim --respond PATH=FILE serves FILE as it is
# for PATH, on every server, while other paths keep their generated data and
# the Xrfkey check and faults still apply; bad PATHs and FILEs fail the start.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

need curl
SIM=$TOOLS/sense-sim
CERTS=$T_TMP/certs
KEY=abcdefghij987654
"$SIM" --make-certs "$CERTS" 2>/dev/null
ok $? "sense-sim --make-certs"


# get PORT PATH OUTFILE [curl args]: prints the status; the body goes to OUTFILE
get() {
	local port=$1 path=$2 out=$3
	shift 3
	curl -sS --max-time 10 --cacert "$CERTS/root.pem" --cert "$CERTS/client.pem" \
		--key "$CERTS/client_key.pem" -o "$out" -w '%{http_code}' "$@" "https://localhost:$port$path"
}

# getx: get with a matching Xrfkey
getx() {
	local port=$1 path=$2 out=$3
	shift 3
	get "$port" "$path?Xrfkey=$KEY" "$out" -H "X-Qlik-Xrfkey: $KEY" "$@"
}

HC=$FIXTURES/healthcheck.json
PS=$FIXTURES/proxy-sessions.json
printf '[{"UserDirectory":"HDR","UserId":"hdr_user","Attributes":[],"SessionId":"00000000-0000-4000-8000-000000000001"}]' \
	>"$T_TMP/hdr.json"

# --- fixed bodies ---------------------------------------------------------
start_sim "$CERTS" fixed --servers 2 --respond "/engine/healthcheck=$HC" --respond "/qps/session=$PS" \
	--respond "/qps/hdr/session=$T_TMP/hdr.json" --fault 1:status=503,endpoint=apps,count=1 \
	--log-requests "$T_TMP/requests.ndjson"
kill -0 "$SIM_PID" 2>/dev/null
ok $? "starts with three --respond options"

is "$(get "$P0" /engine/healthcheck "$T_TMP/hc0")" 200 "healthcheck: 200"
cmp -s "$HC" "$T_TMP/hc0"
ok $? "healthcheck: byte-identical to fixtures/healthcheck.json"
get "$P0" /engine/healthcheck "$T_TMP/hc0b" >/dev/null
cmp -s "$HC" "$T_TMP/hc0b"
ok $? "healthcheck: the same body again (not generated)"
get "$P1" /engine/healthcheck "$T_TMP/hc1" >/dev/null
cmp -s "$HC" "$T_TMP/hc1"
ok $? "healthcheck: the same body on the other server"
get "$P0" '/engine/healthcheck?foo=bar' "$T_TMP/hcq" >/dev/null
cmp -s "$HC" "$T_TMP/hcq"
ok $? "healthcheck: the query string does not matter"
get "$P0" /engine/healthcheck/ "$T_TMP/hcs" >/dev/null
cmp -s "$HC" "$T_TMP/hcs"
ok $? "healthcheck/: a trailing / as route() accepts it"
hdrs=$(get "$P0" /engine/healthcheck /dev/null -D -)
like "$hdrs" $'Content-Type: application/json; charset=utf-8\r' "healthcheck: JSON content type"
like "$hdrs" "Content-Length: $(wc -c <"$HC")"$'\r' "healthcheck: Content-Length of the file"

is "$(getx "$P0" /qps/session "$T_TMP/ps0")" 200 "/qps/session: 200"
cmp -s "$PS" "$T_TMP/ps0"
ok $? "/qps/session: byte-identical to fixtures/proxy-sessions.json"
is "$(getx "$P1" /qps/hdr/session "$T_TMP/hdr1")" 200 "/qps/hdr/session: 200"
cmp -s "$T_TMP/hdr.json" "$T_TMP/hdr1"
ok $? "/qps/hdr/session: byte-identical to its own file"
getx "$P0" /qps/other/session "$T_TMP/other" >/dev/null
like "$(cat "$T_TMP/other")" '"SessionId":' "/qps/other/session: still generated sessions"
cmp -s "$PS" "$T_TMP/other"
ok $((! $?)) "/qps/other/session: not a fixed body"
is "$(getx "$P0" /qrs/app "$T_TMP/apps")" 200 "/qrs/app: 200"
like "$(cat "$T_TMP/apps")" '"name":"Sales forecast"' "/qrs/app: still the generated app list"
is "$(get "$P0" /qps/session "$T_TMP/noxrf")" 403 "/qps/session without X-Qlik-Xrfkey: still 403"
like "$(cat "$T_TMP/noxrf")" 'XSRF prevention check failed' "403: the Sense text, not the fixed body"
is "$(get "$P0" "/qps/hdr/session?Xrfkey=$KEY" /dev/null -H 'X-Qlik-Xrfkey: wrong')" 403 \
	"/qps/hdr/session with a wrong X-Qlik-Xrfkey: still 403"
is "$(get "$P0" /qps/session/ /dev/null)" 404 "/qps/session/: still 404"
is "$(getx "$P1" /qrs/app /dev/null)" 503 "a status fault still works"
like "$(grep -c '"path":"/engine/healthcheck"' "$T_TMP/requests.ndjson")" '^[5-9]$' "--log-requests: fixed-body requests logged"
like "$(cat "$T_TMP/fixed.log")" '/qps/hdr/session: the [0-9]+ bytes of .*hdr\.json' "the start log names each fixed body"
stop_bg "$SIM_PID"
ok $? "stops on SIGTERM"

# --- faults win over --respond -----------------------------------------
start_sim "$CERTS" faults --respond "/engine/healthcheck=$HC" --respond "/qps/session=$PS" \
	--fault 0:status=500,endpoint=health,count=1 --fault 0:malformed,endpoint=session,count=1 \
	--latency 300
is "$(get "$P0" /engine/healthcheck /dev/null)" 500 "a status fault for the endpoint wins over --respond"
is "$(get "$P0" /engine/healthcheck "$T_TMP/after")" 200 "after count=1: 200"
cmp -s "$HC" "$T_TMP/after"
ok $? "after the fault: the fixed body"
getx "$P0" /qps/session "$T_TMP/half" >/dev/null
is "$(wc -c <"$T_TMP/half")" $(($(wc -c <"$PS") / 2)) "malformed: the first half of the fixed body"
t0=$(date +%s%N)
get "$P0" /engine/healthcheck /dev/null >/dev/null
ok $(($(date +%s%N) - t0 < 300000000)) "--latency still applies"
stop_bg "$SIM_PID"

# --- bad options ------------------------------------------------------
run "$SIM" --certs "$CERTS" --respond "/qps/session/x=$PS"
is "$RC" 64 "a PATH sense-sim does not serve: exit 64"
like "$ERR" 'not a path sense-sim serves' "... with a message"
run "$SIM" --certs "$CERTS" --respond "/engine/healthcheck?x=1=$HC"
is "$RC" 64 "a PATH with a query: exit 64"
run "$SIM" --certs "$CERTS" --respond "/qrs/app"
is "$RC" 64 "no =FILE: exit 64"
run "$SIM" --certs "$CERTS" --respond "/qrs/app=$T_TMP/missing.json"
is "$RC" 66 "a missing FILE: exit 66"
like "$ERR" "missing\\.json: No such file or directory" "... with the file and strerror"
run "$SIM" --certs "$CERTS" --respond "/qps/session=$PS" --respond "/qps/session=$T_TMP/hdr.json"
is "$RC" 64 "the same PATH twice: exit 64"
like "$ERR" 'given twice' "... with a message"
run "$SIM" --certs "$CERTS" --respond "/engine/healthcheck=$HC" --respond "/engine/healthcheck/=$HC"
is "$RC" 64 "/engine/healthcheck and /engine/healthcheck/ are the same PATH: exit 64"
head -c 1048577 /dev/zero >"$T_TMP/big.json"
run "$SIM" --certs "$CERTS" --respond "/qrs/app=$T_TMP/big.json"
is "$RC" 64 "a FILE over 1 MiB: exit 64"
args=()
for i in $(seq 17); do
	args+=(--respond "/qps/p$i/session=$PS")
done
run "$SIM" --certs "$CERTS" "${args[@]}"
is "$RC" 64 "17 --respond options: exit 64"
like "$ERR" 'at most 16' "... with a message"

done_testing
