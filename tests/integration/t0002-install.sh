#!/usr/bin/env bash
# t0002-install: `make install` honours PREFIX and DESTDIR and installs every
# tool with its manual.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
need make
D=$T_TMP/dest
# install-files is what `make install` runs after building: it builds
# nothing, so the binaries the other tests run are left alone
make -s -C "$TOP" install-files BUILD="$BUILD" PREFIX=/opt/senseops DESTDIR="$D" >"$T_TMP/make.log" 2>&1
ok $? "make install with PREFIX and DESTDIR"
for t in sysinfo udp-listen sense-poll record-lint; do
	[ -x "$D/opt/senseops/bin/$t" ]
	ok $? "bin/$t installed, executable"
done
for m in man1/sysinfo.1 man1/udp-listen.1 man1/sense-poll.1 man7/senseops.7 man7/senseops-records.7; do
	[ -r "$D/opt/senseops/share/man/$m" ]
	ok $? "man page $m installed"
done
[ ! -e "$D/opt/senseops/share/man/man1/udp-blast.1" ]
ok $? "test tools' manuals are not installed"
"$D/opt/senseops/bin/sysinfo" --version >/dev/null
ok $? "the installed sysinfo runs"
done_testing
