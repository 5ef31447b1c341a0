#!/bin/sh
# sysinfo-cron.sh: a cron job that appends host and pipeline process records
# to a file another tool ships later, and mails the operator (cron's own
# mail of stderr) when a watched process is gone.
#   */5 * * * * /usr/local/share/senseops/examples/sysinfo-cron.sh
set -u
OUT=${SENSEOPS_OUT:-/var/lib/senseops/host.ndjson}
CONFIG=${SENSEOPS_CONFIG:-/etc/senseops/production.yaml}
WATCH=${SENSEOPS_WATCH:-udp-listen to-influx}

set -- --once
for name in $WATCH; do
	set -- "$@" --name "$name"
done
[ -r "$CONFIG" ] && set -- -c "$CONFIG" "$@"

sysinfo "$@" >>"$OUT"
rc=$?
case $rc in
0) ;;
69) echo "sysinfo-cron: a watched process is not running (see $OUT)" >&2 ;;
*) echo "sysinfo-cron: sysinfo failed with status $rc" >&2 ;;
esac
exit $rc
