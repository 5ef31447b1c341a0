#!/usr/bin/env bash
# events-to-influx-and-mqtt.sh: Sense's log and user events into InfluxDB
# and MQTT, as Butler SOS stores and publishes them.
#
#   udp-listen --> tee --+--> to-mqtt    (spool: $SENSEOPS_SPOOL/mqtt)
#                        +--> to-influx  (spool: $SENSEOPS_SPOOL/influx)
#
# Each sink keeps its own spool, so neither an outage of InfluxDB or the
# broker nor a restart of this pipeline loses an event. Run it under a
# supervisor (s6, runit, systemd) that restarts it. SIGTERM stops
# udp-listen; the sinks then write what they have and exit (what they
# cannot write in time stays in their spools). Arguments go to udp-listen
# (--log-listen, --app-names, ...).
set -euo pipefail
CONFIG=${SENSEOPS_CONFIG:-/etc/senseops/production.yaml}
SPOOL=${SENSEOPS_SPOOL:-/var/spool/senseops}
mkdir -p "$SPOOL"
chmod 700 "$SPOOL"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkfifo "$dir/events" "$dir/mqtt" "$dir/influx"

to-mqtt -c "$CONFIG" --spool "$SPOOL/mqtt" <"$dir/mqtt" &
mqtt=$!
to-influx -c "$CONFIG" --spool "$SPOOL/influx" <"$dir/influx" &
influx=$!
tee "$dir/mqtt" <"$dir/events" >"$dir/influx" &
udp-listen -c "$CONFIG" "$@" >"$dir/events" &
listen=$!

trap 'kill -TERM "$listen" 2>/dev/null || true' TERM INT
while kill -0 "$listen" 2>/dev/null; do
	wait "$listen" || true	# returns early when a signal arrives
done
rc=0
wait "$mqtt" || rc=$?
wait "$influx" || rc=$?
exit "$rc"
