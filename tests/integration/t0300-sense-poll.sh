#!/usr/bin/env bash
# t0300-sense-poll: sense-poll against sense-sim over mutual TLS: every
# endpoint, the records field by field, the requests it sends, every kind
# of failure, the app names file, --once exit codes and config errors.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

SP=$BIN/sense-poll
SIM=$TOOLS/sense-sim
CERTS=$T_TMP/certs
"$SIM" --make-certs "$CERTS" 2>/dev/null
ok $? "sense-sim --make-certs"


# config FILE HOST0 HOST1 [CA] [extra YAML under serversToMonitor]
config() {
	cat >"$1" <<YAML
Butler-SOS:
  cert:
    clientCert: $CERTS/${CLIENT:-client}.pem
    clientCertKey: $CERTS/${CLIENT_KEY:-client_key}.pem
    clientCertCA: $CERTS/${4:-root}.pem
  influxdbConfig:
    includeFields:
      activeDocs: true
      loadedDocs: false
      inMemoryDocs: true
  appNames:
    enableAppNameExtract: true
    hostIP: $2
  userSessions:
    enableSessionExtract: true
    excludeUser:
      - directory: CORP
        userId: svc_monitor
  serversToMonitor:
    requestTimeout: ${TIMEOUT:-5000}
    maxResponseBytes: ${MAXBODY:-1000000}
    rejectUnauthorized: ${VERIFY:-true}
    serverTagsDefinition: [server_group, serverLocation]
    servers:
      - host: $2
        serverName: sense1
        serverDescription: Central node
        userSessions:
          enable: true
          host: $2
          virtualProxies:
            - virtualProxy: /
            - virtualProxy: /hdr
        serverTags:
          server_group: PROD
          serverLocation: Europe
        headers:
          X-Qlik-User: UserDirectory=Internal; UserId=sa_repository
      - host: $3
        serverName: sense2
        serverDescription: Rim node
        serverTags:
          server_group: TEST
          serverLocation: Asia
YAML
}

# --- the good path --------------------------------------------------------
start_sim "$CERTS" good --servers 2 --log-requests "$T_TMP/requests.ndjson"
config "$T_TMP/good.yaml" "localhost:$P0" "127.0.0.1:$P1"
run "$SP" -c "$T_TMP/good.yaml" --once --app-names "$T_TMP/apps.ndjson"
is "$RC" 0 "--once: exit 0 when every request succeeded"
printf '%s\n' "$OUT" >"$T_TMP/good.out"
"$TOOLS/record-lint" --summary "$T_TMP/good.out" >"$T_TMP/sum"
ok $? "records valid"
like "$(cat "$T_TMP/sum")" '^health 2$' "a health record per server"
like "$(cat "$T_TMP/sum")" '^sessions 2$' "a sessions record per virtual proxy of the one server with sessions"
like "$(cat "$T_TMP/sum")" '^invalid 0$' "nothing invalid"
h1=$(grep '"kind":"health"' "$T_TMP/good.out" | grep '"server_name":"sense1"')
like "$h1" '"tags":\{"host":"localhost","server_name":"sense1","server_description":"Central node","server_group":"PROD","serverLocation":"Europe"\}' "health: server tags, host without port"
like "$h1" '"version":"12\.[0-9.]*","started":"[0-9]{8}T[0-9]{6}\.[0-9]{3}[+-][0-9]{4}","uptime":"0 days, 0h [0-9]{2}m [0-9]{2}s"' "health: version, started, uptime"
like "$h1" '"mem":\{"committed":[0-9.]+,"allocated":[0-9.]+,"free":[0-9.]+\}' "health: memory"
like "$h1" '"cache":\{"hits":[0-9]+,"lookups":[0-9]+,"added":[0-9]+,"replaced":[0-9]+,"bytes_added":[0-9]+\}' "health: cache"
like "$h1" '"active_docs_names":\[' "health: app names for active docs (includeFields.activeDocs)"
like "$h1" '"in_memory_docs_names":\[' "health: app names for in-memory docs"
ok "$(printf '%s' "$h1" | grep -c '"loaded_docs_names"')" "no names for loaded docs (includeFields.loadedDocs false)"
like "$h1" '"saturated":(true|false)' "health: saturated"
s1=$(grep '"kind":"sessions"' "$T_TMP/good.out" | grep '"user_session_virtual_proxy":"/hdr"')
like "$s1" '"user_session_host":"localhost:[0-9]+"' "sessions: user_session_host with port"
like "$s1" '"session_user_id_list":"[^"]*CORP\\\\svc_monitor' "sessions: excluded user still in the user list"
ok "$(printf '%s' "$s1" | grep -o '"details":\[[^]]*\]' | grep -c svc_monitor)" "sessions: excluded user not in the details"
count=$(printf '%s' "$s1" | sed 's/.*"session_count":\([0-9]*\).*/\1/')
bodyn=$(printf '%s' "$s1" | grep -o '"SessionId"' | wc -l)
is "$count" "$bodyn" "sessions: session_count counts every session of the response"
is "$(grep -c '"id":' "$T_TMP/apps.ndjson")" 4 "app names file: the 4 apps"
like "$(cat "$T_TMP/apps.ndjson")" '^\{"id":"e7af59a0-c243-480d-9571-08727551a66f","name":"Sales forecast","description":' "app names file: id, name, description"
ls "$T_TMP"/apps.ndjson.tmp.* >/dev/null 2>&1
ok $((! $?)) "no temporary file left behind"

# the requests it sent
R=$T_TMP/requests.ndjson
like "$(grep '"/engine/healthcheck"' "$R" | head -1)" '"x-qlik-user":"UserDirectory=Internal; UserId=sa_repository"' "health check: the server's headers"
like "$(grep '"/engine/healthcheck"' "$R" | head -1)" '"cache-control":"no-cache"' "health check: Cache-Control"
like "$(grep '"/engine/healthcheck"' "$R" | head -1)" '"client_cert_subject":"[^"]*QlikClient' "health check: client certificate presented"
q=$(grep '"/qps/hdr/session"' "$R" | head -1)
like "$q" '"xvirtualproxy":"/hdr"' "sessions: XVirtualProxy"
key=$(printf '%s' "$q" | sed 's/.*"query":"Xrfkey=\([^"]*\)".*/\1/')
like "$q" "\"x-qlik-xrfkey\":\"$key\"" "sessions: Xrfkey header equals the query"
like "$(grep '"/qps/session"' "$R" | head -1)" '"path":"/qps/session"' "sessions: default proxy at /qps/session"
a=$(grep '"/qrs/app"' "$R" | head -1)
like "$a" '"x-qlik-user":"UserDirectory=Internal; UserId=sa_repository"' "apps: as sa_repository"
like "$a" '"query":"xrfkey=[0-9a-zA-Z]{16}"' "apps: a 16-character xrfkey"
stop_bg "$SIM_PID"

# --- failures --------------------------------------------------------------
# Error records carry what Butler SOS's error tracker stores (butler_sos_errors).

# errs NAME PATTERN...: the error records of case NAME that match every PATTERN
errs() {
	local out p
	out=$(grep '"kind":"error"' "$T_TMP/$1.out")
	shift
	for p in "$@"; do
		out=$(printf '%s\n' "$out" | grep -E -- "$p")
	done
	printf '%s' "$out"
}

# no FIELD TEXT DESCRIPTION: TEXT has no member FIELD
no() {
	ok "$(printf '%s' "$2" | grep -c "\"$1\":")" "$3"
}

# fail NAME EXPECTED_MESSAGE_REGEX [sim args] -- the config vars are set by the caller
fail_case() {
	local name=$1 want=$2
	shift 2
	start_sim "$CERTS" "$name" --servers 2 "$@"
	config "$T_TMP/$name.yaml" "localhost:$P0" "127.0.0.1:$P1" "${CA:-root}"
	run "$SP" -c "$T_TMP/$name.yaml" --once
	printf '%s\n' "$OUT" >"$T_TMP/$name.out"
	is "$RC" 69 "$name: --once exits 69"
	like "$OUT" "\"kind\":\"error\".*\"message\":\"[^\"]*($want)" "$name: error record says why"
	"$TOOLS/record-lint" "$T_TMP/$name.out" >/dev/null 2>&1
	ok $? "$name: records valid"
	is "$(errs "$name" | grep -vc '"error_category":"[a-z_45]*"')" 0 "$name: every error record has an error_category"
	is "$(errs "$name" | grep -ic 'xrfkey')" 0 "$name: no Xrfkey in the error records"
	stop_bg "$SIM_PID"
}

# health check errors of server 0 (localhost:$P0) of a case
h0() { errs "$1" '"server_name":"sense1"' '"error_type":"HEALTH_API"'; }

CA=other_root fail_case wrong-ca 'certificate'
r=$(h0 wrong-ca)
like "$r" '"error_category":"certificate_error","error_code":"(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE)"' \
	"wrong-ca: certificate_error with the verification code"
like "$r" "\"server_host\":\"localhost:$P0\"" "wrong-ca: server_host with port"
like "$r" "\"request_url\":\"https://localhost:$P0/engine/healthcheck\"" "wrong-ca: request_url"
like "$r" '"request_timeout_ms":5000' "wrong-ca: request_timeout_ms"
like "$r" "\"remote_address\":\"(127\\.0\\.0\\.1|::1)\",\"remote_port\":$P0" "wrong-ca: remote_address and remote_port"
no syscall "$r" "wrong-ca: no syscall"
no http_status "$r" "wrong-ca: no http_status"
# client_cert NAME ALERT: Sense refuses the client's certificate. With TLS 1.3
# it does so after the client's side of the handshake is over, so a request
# sees either the alert or, when its write or read meets the closed socket
# first, the reset; which one is a race.
client_cert() {
	is "$(errs "$1" | grep -Evc '"error_category":"certificate_error","error_code":"ERR_SSL_[A-Z0-9_]+"|"error_category":"connection_reset","error_code":"(ECONNRESET|EPIPE)"')" 0 \
		"$1: certificate_error with OpenSSL's reason as the code, or connection_reset"
	if [ -n "$(errs "$1" "\"error_code\":\"($2)\"")" ]; then
		ok 0 "$1: the alert as the code"
	else
		ok 0 "$1: the alert as the code # SKIP every request met the closed socket first"
	fi
}
CLIENT=other_client CLIENT_KEY=other_client_key fail_case foreign-client 'alert|SSL|reset|connection'
client_cert foreign-client ERR_SSL_TLSV1_ALERT_UNKNOWN_CA
CLIENT=client_expired CLIENT_KEY=client_expired_key fail_case expired-client 'alert|SSL|reset|connection'
client_cert expired-client ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED
fail_case status500 'HTTP status 500' --fault '0:status=500,endpoint=health'
like "$OUT" '"kind":"health".*"server_name":"sense2"' "status500: the other server still polled"
r=$(h0 status500)
like "$r" '"error_category":"http_5xx"' "status500: http_5xx"
like "$r" '"http_status":500' "status500: http_status"
no error_code "$r" "status500: no error_code for an HTTP status"
no syscall "$r" "status500: no syscall"
like "$r" "\"remote_address\":\"(127\\.0\\.0\\.1|::1)\",\"remote_port\":$P0" "status500: remote_address and remote_port"
fail_case status403 'HTTP status 403' --fault '0:status=403,endpoint=session'
r=$(errs status403 '"user_session_virtual_proxy":"/hdr"')
like "$r" '"error_type":"PROXY_API"' "status403: PROXY_API"
like "$r" '"error_category":"auth_error"' "status403: auth_error"
like "$r" '"http_status":403' "status403: http_status"
like "$r" "\"server_host\":\"localhost:$P0\"" "status403: server_host is userSessions.host"
like "$r" "\"request_url\":\"https://localhost:$P0/qps/hdr/session\"" "status403: request_url without the Xrfkey query"
like "$r" "\"endpoint\":\"https://localhost:$P0/qps/hdr/session\"" "status403: endpoint without the query"
fail_case status429 'HTTP status 429' --fault '0:status=429,endpoint=apps'
r=$(errs status429 '"error_type":"APP_NAMES_EXTRACT"')
like "$r" '"error_category":"rate_limited"' "status429: rate_limited"
like "$r" "\"server_host\":\"localhost:$P0\"" "status429: server_host is appNames.hostIP"
like "$r" "\"request_url\":\"https://localhost:$P0/qrs/app\"" "status429: request_url without the xrfkey query"
fail_case malformed 'not JSON' --fault '0:malformed,endpoint=health'
r=$(h0 malformed)
like "$r" '"error_category":"unknown"' "malformed: unknown"
like "$r" '"http_status":200' "malformed: http_status 200"
no error_code "$r" "malformed: no error_code"
MAXBODY=10000 fail_case oversized 'larger than 10000 bytes' --fault '0:oversized=50000000,endpoint=health'
like "$(h0 oversized)" '"error_category":"unknown".*"http_status":200' "oversized: unknown, http_status 200"
TIMEOUT=1500 fail_case hang 'timed out|Timeout' --fault '0:hang,endpoint=session'
like "$OUT" '"kind":"health".*"server_name":"sense1"' "hang: health of the same server still arrives"
r=$(errs hang '"user_session_virtual_proxy":"/"')
like "$r" '"error_category":"timeout","error_code":"ETIMEDOUT"' "hang: timeout, ETIMEDOUT"
like "$r" '"request_timeout_ms":1500' "hang: request_timeout_ms as configured"
like "$r" "\"request_url\":\"https://localhost:$P0/qps/session\"" "hang: request_url"
no syscall "$r" "hang: no syscall once connected"
no http_status "$r" "hang: no http_status"
fail_case close 'Empty reply|reset|closed|SSL' --fault '0:close,endpoint=apps'
r=$(errs close '"error_type":"APP_NAMES_EXTRACT"')
like "$r" '"error_category":"connection_reset","error_code":"ECONNRESET"' "close: connection_reset, ECONNRESET"
like "$r" '"tags":\{\}' "close: app names errors have no server tags"
# record-lint checks the types of the error tracker fields
e='{"kind":"error","ts":"2026-11-30T17:47:11.123Z","tags":{},"tool":"x","error_type":"X","message":"m"'
printf '%s,"http_status":"500"}\n' "$e" | "$TOOLS/record-lint" >/dev/null 2>&1
is $? 65 "record-lint: a string http_status is refused"
printf '%s,"remote_port":4747.5}\n' "$e" | "$TOOLS/record-lint" >/dev/null 2>&1
is $? 65 "record-lint: a fractional remote_port is refused"
printf '%s,"error_category":1}\n' "$e" | "$TOOLS/record-lint" >/dev/null 2>&1
is $? 65 "record-lint: a numeric error_category is refused"

# no client certificate at all: Sense (and the simulator) refuse the handshake
start_sim "$CERTS" nocert --servers 2
config "$T_TMP/nocert.yaml" "localhost:$P0" "127.0.0.1:$P1"
sed -i '/clientCert: /d; /clientCertKey: /d' "$T_TMP/nocert.yaml"
run "$SP" -c "$T_TMP/nocert.yaml" --once
printf '%s\n' "$OUT" >"$T_TMP/nocert.out"
is "$RC" 69 "missing client certificate: 69"
like "$ERR" 'level=warn.*no client certificate' "missing client certificate: warned at start"
like "$OUT" '"kind":"error".*"error_type":"HEALTH_API"' "missing client certificate: error records"
client_cert nocert 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED|ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'
stop_bg "$SIM_PID"

# a server that is down, and a host name that does not match the certificate
start_sim "$CERTS" down --servers 1
dead=$(free_port)
config "$T_TMP/down.yaml" "localhost:$P0" "127.0.0.1:$dead"
run "$SP" -c "$T_TMP/down.yaml" --once
printf '%s\n' "$OUT" >"$T_TMP/down.out"
is "$RC" 69 "server down: 69"
like "$OUT" '"error_type":"HEALTH_API","message":"[^"]*(refused|connect)' "server down: connection refused reported"
like "$OUT" '"kind":"health".*"server_name":"sense1"' "server down: the live server still polled"
r=$(errs down '"server_name":"sense2"')
like "$r" '"error_category":"connection_refused","error_code":"ECONNREFUSED"' "server down: connection_refused, ECONNREFUSED"
like "$r" '"syscall":"connect"' "server down: syscall connect"
like "$r" "\"server_host\":\"127.0.0.1:$dead\"" "server down: server_host"
like "$r" "\"remote_address\":\"127.0.0.1\",\"remote_port\":$dead" "server down: the address it tried"
"$TOOLS/record-lint" "$T_TMP/down.out" >/dev/null 2>&1
ok $? "server down: records valid"
# a name that does not resolve, and appNames.hostIP without a port (4242)
config "$T_TMP/nxdomain.yaml" "localhost:$P0" "no-such-host.invalid:4747"
sed -i 's/^    hostIP: .*/    hostIP: 127.0.0.1/' "$T_TMP/nxdomain.yaml"
run "$SP" -c "$T_TMP/nxdomain.yaml" --once
printf '%s\n' "$OUT" >"$T_TMP/nxdomain.out"
r=$(errs nxdomain '"server_name":"sense2"')
like "$r" '"error_category":"host_not_found","error_code":"ENOTFOUND"' "unknown host: host_not_found, ENOTFOUND"
like "$r" '"syscall":"getaddrinfo"' "unknown host: syscall getaddrinfo"
no remote_address "$r" "unknown host: no remote_address"
r=$(errs nxdomain '"error_type":"APP_NAMES_EXTRACT"')
like "$r" '"server_host":"127\.0\.0\.1:4242"' "app names without a port: server_host with 4242"
like "$r" '"request_url":"https://127\.0\.0\.1:4242/qrs/app"' "app names without a port: request_url"
stop_bg "$SIM_PID"
# the certificate names 127.0.0.1, localhost and *.sense.test, not 127.0.0.2
start_sim "$CERTS" other-ip --servers 1 --listen 127.0.0.2
config "$T_TMP/name.yaml" "127.0.0.2:$P0" "127.0.0.2:$P0"
run "$SP" -c "$T_TMP/name.yaml" --once
printf '%s\n' "$OUT" >"$T_TMP/name.out"
is "$RC" 69 "host name mismatch: 69"
like "$OUT" '"server_name":"sense1".*"message":"[^"]*(match|certificate)' "host name mismatch refused"
like "$(errs name '"error_type":"HEALTH_API"')" '"error_category":"certificate_error","error_code":"ERR_TLS_CERT_ALTNAME_INVALID"' \
	"host name mismatch: certificate_error, ERR_TLS_CERT_ALTNAME_INVALID"
VERIFY=false config "$T_TMP/noverify.yaml" "127.0.0.2:$P0" "127.0.0.2:$P0"
run "$SP" -c "$T_TMP/noverify.yaml" --once
is "$RC" 0 "rejectUnauthorized false: accepted"
like "$ERR" 'level=warn.*NOT verified' "rejectUnauthorized false: warned"
stop_bg "$SIM_PID"
start_sim "$CERTS" enc --servers 1

# an encrypted key, its passphrase from a file and from the environment
CLIENT_KEY=client_key_enc config "$T_TMP/enc.yaml" "localhost:$P0" "localhost:$P0"
printf 'senseops-test\n' >"$T_TMP/pass"
chmod 600 "$T_TMP/pass"
run "$SP" -c "$T_TMP/enc.yaml" --once --passphrase-file "$T_TMP/pass"
is "$RC" 0 "encrypted key with --passphrase-file"
SENSEOPS_CERT_PASSPHRASE=senseops-test run "$SP" -c "$T_TMP/enc.yaml" --once
is "$RC" 0 "encrypted key with SENSEOPS_CERT_PASSPHRASE"
run "$SP" -c "$T_TMP/enc.yaml" --once
is "$RC" 69 "encrypted key without its passphrase fails"
run "$SP" -c "$T_TMP/enc.yaml" --set Butler-SOS.cert.clientCertPassphrase=x --once
is "$RC" 64 "a passphrase on the command line is refused"

# long-running: a failed app-names fetch keeps the old file
config "$T_TMP/loop.yaml" "localhost:$P0" "localhost:$P0"
sed -i 's/^  appNames:/  appNames:\n    extractInterval: 1000/' "$T_TMP/loop.yaml"
start_bg loop "$SP" -c "$T_TMP/loop.yaml" --app-names "$T_TMP/loop-apps.ndjson"
LOOP=$BG_PID
for _ in $(seq 100); do [ -s "$T_TMP/loop-apps.ndjson" ] && break; sleep 0.05; done
ok "$([ -s "$T_TMP/loop-apps.ndjson" ] && echo 0 || echo 1)" "long-running: app names file written"
stop_bg "$SIM_PID"
sleep 1.5
is "$(grep -c '"id":' "$T_TMP/loop-apps.ndjson")" 4 "long-running: the file survives a failed fetch"
kill -TERM "$LOOP"
wait "$LOOP"
is "$?" 0 "SIGTERM: exit 0"

# --- configuration errors --------------------------------------------------------
config "$T_TMP/tags.yaml" "localhost:1" "localhost:2"
sed -i 's/          serverLocation: Asia//' "$T_TMP/tags.yaml"
run "$SP" -c "$T_TMP/tags.yaml" --once
is "$RC" 78 "a server without every serverTagsDefinition tag: 78"
like "$ERR" 'tags.yaml:[0-9]+: Butler-SOS.serversToMonitor.servers.1.serverTags: tag serverLocation' "names file, line, key and tag"
run "$SP" -c "$SHARED/reference/butler-sos-production-template.yaml" --check-config
is "$RC" 0 "the Butler SOS template passes --check-config"
printf 'Butler-SOS:\n  serversToMonitor:\n    pollingInterval: "30000"\n' >"$T_TMP/type.yaml"
run "$SP" -c "$T_TMP/type.yaml" -n
is "$RC" 78 "wrong type: 78"
run "$SP" --once
is "$RC" 78 "nothing to poll: 78"
done_testing
