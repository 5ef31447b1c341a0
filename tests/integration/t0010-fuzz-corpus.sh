#!/usr/bin/env bash
# t0010-fuzz-corpus: every fuzz harness replays its corpus (and the Butler SOS
# files for the config harness) under the sanitizer build without a crash.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

for h in config ndjson timefmt udp-listen-dgram sense-poll-records jscan to-influx-map to-mqtt-msgs to-pg-rows; do
	bin=$BUILD/tests/fuzz/fuzz-$h
	if [ ! -x "$bin" ]; then
		ok 0 "fuzz-$h not built # SKIP"
		continue
	fi
	extra=()
	if [ "$h" = config ]; then
		for f in "$SHARED"/reference/*.yaml "$SHARED"/fixtures/expected/*.yaml; do
			[ -r "$f" ] && extra+=("$f")
		done
	fi
	"$bin" "$TOP/tests/fuzz/corpus/$h" "${extra[@]}" >"$T_TMP/$h.tap" 2>"$T_TMP/$h.err"
	ok $? "fuzz-$h replays $(grep -c '^ok' "$T_TMP/$h.tap") inputs cleanly"
	if [ -s "$T_TMP/$h.err" ]; then
		sed 's/^/# /' "$T_TMP/$h.err" | head -20
	fi
done
done_testing
