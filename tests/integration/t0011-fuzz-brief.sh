#!/usr/bin/env bash
# t0011-fuzz-brief: a short libFuzzer run of the datagram parser (the one
# that faces the network), when clang's libFuzzer is installed. `make fuzz`
# runs every harness for longer.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
need clang
printf 'int LLVMFuzzerTestOneInput(const char *d, long n) { (void)d; (void)n; return 0; }\n' >"$T_TMP/probe.c"
clang -fsanitize=fuzzer "$T_TMP/probe.c" -o "$T_TMP/probe" 2>/dev/null || skip_all "clang has no libFuzzer runtime"
"$TOP/tools/fuzz" "${FUZZ_BRIEF_SECONDS:-10}" udp-listen-dgram >"$T_TMP/fuzz.log" 2>&1
ok $? "fuzz-udp-listen-dgram: no crash, leak or timeout in ${FUZZ_BRIEF_SECONDS:-10} s"
grep -E 'number_of_executed_units' "$T_TMP/fuzz.log" | sed 's/^/# /'
done_testing
