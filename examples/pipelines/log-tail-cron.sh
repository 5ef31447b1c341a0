#!/usr/bin/env bash
# log-tail-cron.sh: a cron job that ships the rows Qlik Sense wrote to its log
# files since the last run (a CIFS mount of the Log folder, or a copy of the
# archive) into InfluxDB. log-tail's state file makes every row go once; the
# sink's spool keeps them through an InfluxDB outage.
#   */5 * * * * /usr/local/share/senseops/examples/log-tail-cron.sh
set -u -o pipefail
LOGS=${SENSEOPS_LOGS:-/mnt/qlik/Log}
CONFIG=${SENSEOPS_CONFIG:-/etc/senseops/production.yaml}
STATE=${SENSEOPS_STATE:-/var/lib/senseops/log-tail.state}
SPOOL=${SENSEOPS_SPOOL:-/var/spool/senseops/log-tail-influx}
# the sink, as words: to-influx by default; to-pg or to-mqtt work the same way
read -r -a SINK <<<"${SENSEOPS_SINK:-to-influx --spool $SPOOL}"

cfg=()
[ -r "$CONFIG" ] && cfg=(-c "$CONFIG")

log-tail "${cfg[@]}" --once --state "$STATE" "$LOGS" | "${SINK[@]}" "${cfg[@]}"
rc=("${PIPESTATUS[@]}")
if [ "${rc[0]}" -ne 0 ]; then
	echo "log-tail-cron: log-tail failed with status ${rc[0]}" >&2
	exit "${rc[0]}"
fi
if [ "${rc[1]}" -ne 0 ]; then
	echo "log-tail-cron: ${SINK[0]} failed with status ${rc[1]}" >&2
	exit "${rc[1]}"
fi
