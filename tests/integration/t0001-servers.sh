#!/usr/bin/env bash
# t0001-servers: the throwaway servers of tests/lib.sh start on loopback and stop.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

check() {	# check NAME START_FUNC PORT_VAR PID_VAR
	if ! command -v "$1" >/dev/null 2>&1 && [ "$1" != postgres ]; then
		ok 0 "$1 installed (tools/install-deps installs it)"
		return
	fi
	"$2"
	ok $? "$1 accepts connections on 127.0.0.1:${!3}"
	local pid=${!4}
	stop_bg "$pid"
	ok $? "$1 stops on SIGTERM"
}

check mosquitto start_mosquitto MOSQUITTO_PORT MOSQUITTO_PID
check influxd start_influxdb INFLUXDB_PORT INFLUXDB_PID
check victoria-metrics start_victoriametrics VM_PORT VM_PID
check prometheus start_prometheus PROM_PORT PROM_PID
check postgres start_postgres PG_PORT PG_PID

p=$(free_port)
case " $(t_listening | tr '\n' ' ') " in
*" $p "*) ok 1 "free_port returned a port in use" ;;
*) ok 0 "free_port returns an unused port" ;;
esac
done_testing
