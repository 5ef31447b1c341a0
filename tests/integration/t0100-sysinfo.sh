#!/usr/bin/env bash
# t0100-sysinfo: the sysinfo tool end to end: records, options, config, signals.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

SYSINFO=$BIN/sysinfo
LINT=$TOOLS/record-lint

run "$SYSINFO"
is "$RC" 0 "one-shot run exits 0"
is "$(printf '%s\n' "$OUT" | wc -l)" 1 "one host record by default"
printf '%s\n' "$OUT" >"$T_TMP/host.ndjson"
run "$LINT" --summary "$T_TMP/host.ndjson"
is "$RC" 0 "host record valid against the record format"
like "$OUT" '^host 1$' "record-lint counts one host record"
like "$(cat "$T_TMP/host.ndjson")" "\"hostname\":\"$(cat /proc/sys/kernel/hostname)\"" "hostname is the kernel's"
like "$(cat "$T_TMP/host.ndjson")" '"host_id":"[0-9a-f]{64}"' "anonymous host id is a SHA-256"
like "$(cat "$T_TMP/host.ndjson")" '"tags":\{"host":"' "host tag set"
like "$(cat "$T_TMP/host.ndjson")" '"interfaces":\[\{' "interfaces listed"
like "$(cat "$T_TMP/host.ndjson")" '"mem_total_bytes":[1-9]' "memory total"

run "$SYSINFO" --no-host --pid $$ --tag site=lab
is "$RC" 0 "--pid of a live process exits 0"
like "$OUT" "\"kind\":\"process\".*\"pid\":$$," "process record for the pid"
like "$OUT" '"site":"lab"' "--tag added"
printf '%s\n' "$OUT" | "$LINT" >/dev/null
ok $? "process record valid"

run "$SYSINFO" --no-host --name no-such-process-xyz
is "$RC" 69 "a missing --name target exits 69 in one-shot mode"
like "$OUT" '"kind":"error".*"error_type":"PROCESS_NOT_FOUND"' "error record for the missing target"
like "$ERR" 'level=warn tool=sysinfo msg="no process named' "warning logged"
printf '%s\n' "$OUT" | "$LINT" >/dev/null
ok $? "error record valid"

run "$SYSINFO" --interval 1 --count 2 --no-host --name bash
is "$RC" 0 "--interval with --count stops by itself"
is "$(printf '%s\n' "$OUT" | grep -c '"kind":"process"' | awk '{print ($1 >= 2)}')" 1 "two samples of bash processes"
is "$(printf '%s\n' "$OUT" | sed -n 's/.*"ts":"\([^"]*\)".*/\1/p' | sort -u | wc -l)" 2 "two distinct sample times"

# a fake /proc, /sys and /etc tree gives exact facts
ROOT=$TOP/tests/unit/data/sysinfo/root1
if [ -d "$ROOT" ]; then
	run "$SYSINFO" --root "$ROOT" --pid 4242
	is "$RC" 0 "--root fake tree"
	like "$OUT" '"cpu_cores":5' "cores from the fake sys tree"
	like "$OUT" '"kind":"process".*"pid":4242' "process from the fake proc tree"
else
	ok 1 "# SKIP no fake tree"
fi

# long-running: readiness, SIGTERM stops it promptly
mkfifo "$T_TMP/ready"
exec 8<>"$T_TMP/ready"	# read-write: opening never blocks
start_bg sysinfo-loop "$SYSINFO" --interval 60 --ready-fd 3 3>"$T_TMP/ready"
read -r -t 10 _ <&8
ok $? "readiness newline on --ready-fd"
kill -TERM "$BG_PID"
t_wait_gone "$BG_PID" 5
ok $? "SIGTERM stops the interval loop within 5 s"
wait "$BG_PID"
is "$?" 0 "exit 0 after SIGTERM"
exec 8<&-

# a closed pipe stops it quietly
"$SYSINFO" --interval 1 --count 30 2>"$T_TMP/pipe.err" | head -c 1 >/dev/null
is "${PIPESTATUS[0]}" 0 "EPIPE: exit 0"
is "$(cat "$T_TMP/pipe.err")" "" "EPIPE: nothing on stderr"

# never runs a program: strace sees exactly one execve, the one that started it
if command -v strace >/dev/null; then
	# LeakSanitizer cannot run under ptrace: leaks are checked by the other runs
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 strace -f -qq -e trace=execve,execveat \
		-o "$T_TMP/strace" "$SYSINFO" --pid $$ --name bash >/dev/null 2>"$T_TMP/strace.err"
	is "$?" 0 "strace: sysinfo ran to the end"
	is "$(grep -c 'execve' "$T_TMP/strace")" 1 "strace: no execve beyond its own start"
else
	ok 1 "# SKIP strace not installed"
fi

# configuration
cfg=$T_TMP/sos.yaml
printf 'Butler-SOS:\n  systemInfo:\n    enable: false\n' >"$cfg"
run "$SYSINFO" -c "$cfg"
is "$RC" 78 "systemInfo.enable false: refuses with 78"
like "$ERR" 'systemInfo.enable is false' "says why"

printf 'Butler-SOS:\n  systemInfo:\n    enable: "yes"\n' >"$cfg"
run "$SYSINFO" -c "$cfg"
is "$RC" 78 "wrong type: 78"
like "$ERR" "^sysinfo: fatal: $cfg:3: Butler-SOS.systemInfo.enable" "wrong type: file:line and key"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "wrong type: one line"

printf 'Butler-SOS:\n  systemInfo: [\n    enable: true\n' >"$cfg"
run "$SYSINFO" -c "$cfg"
is "$RC" 78 "YAML syntax error: 78"
like "$ERR" "^sysinfo: fatal: $cfg:[0-9]+: " "YAML syntax error: file:line"

run "$SYSINFO" -c "$T_TMP/missing.yaml"
is "$RC" 78 "missing config file: 78"
like "$ERR" "missing.yaml" "missing config file named"

printf 'Butler-SOS:\n  logLevel: info\n  systemInfo:\n    enable: true\n  influxdbConfig:\n    v1Config:\n      auth:\n        password: hunter2\n' >"$cfg"
run "$SYSINFO" -c "$cfg" --check-config
is "$RC" 0 "--check-config on a good file exits 0"
like "$OUT" "$cfg: ok" "--check-config says ok"
run "$SYSINFO" -c "$cfg" --print-config
is "$RC" 0 "--print-config exits 0"
like "$OUT" '"password":[[:space:]]*"<redacted>"' "--print-config redacts the password"
ok "$(printf '%s' "$OUT" | grep -c hunter2)" "secret not printed"

if [ -r "$SHARED/reference/butler-sos-production-template.yaml" ]; then
	run "$SYSINFO" -c "$SHARED/reference/butler-sos-production-template.yaml" --check-config
	is "$RC" 0 "the Butler SOS production template loads unchanged"
else
	ok 1 "# SKIP no Butler SOS template"
fi

run "$SYSINFO" --set Butler-SOS.influxdbConfig.v2Config.token=abc
is "$RC" 64 "a secret on the command line is refused"
run "$SYSINFO" --set Butler-SOS.systemInfo.enable=false
is "$RC" 78 "--set overrides the file"
run "$SYSINFO" --bogus
is "$RC" 64 "unknown option: 64"
like "$ERR" "usage: sysinfo" "usage printed"
run "$SYSINFO" --interval 0
is "$RC" 64 "--interval 0 refused"
run "$SYSINFO" --once --interval 5
is "$RC" 64 "--once with --interval refused"
run "$SYSINFO" --version
like "$OUT" '^sysinfo \(senseops\) [0-9]' "--version"
run "$SYSINFO" --help
is "$RC" 0 "--help exits 0"

done_testing
