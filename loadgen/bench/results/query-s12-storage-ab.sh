#!/usr/bin/env bash
# usage: s12-qab.sh ROOT N -- start MetricStream from ROOT, load the peers set, 50 unmeasured Q1+Q2 pairs, then N Q1 and
# N Q2: median ms and server CPU ms per query (/proc). No JFR. Caller holds the exclusive lock. MetricStream runs at
# MS_PORT_OFFSET (default 100), so helpers with offsets of their own can use the script as is.
set -euo pipefail
ROOT=$1; N=${2:-200}
export MS_PORT_OFFSET=${MS_PORT_OFFSET:-100}
source "$ROOT/loadgen/bench/peers.sh"
work=$(mktemp -d /tmp/s12qab.XXXXXX); TARGETS=metricstream
source "$ROOT/loadgen/bench/queries.sh"
trap 'stop_all; rm -rf "$work"' EXIT
start_target metricstream; load_target metricstream
wait_visible "${base[metricstream]}" "" >/dev/null
b=${base[metricstream]}
sleep 20
for i in $(seq 1 50); do q "$b" "" range 'sum by (region)(rate(http_requests_total[5m]))' >/dev/null; q "$b" "" range 'avg_over_time(node_cpu_utilization_percent{host=~"h1.*"}[10m])' >/dev/null; done
p=${pid[metricstream]}; jp=$(pgrep -P "$p" java || echo "$p")
for qq in 'sum by (region)(rate(http_requests_total[5m]))' 'avg_over_time(node_cpu_utilization_percent{host=~"h1.*"}[10m])'; do
  c0=$(cpu_seconds "$jp"); : > "$work/t"
  for i in $(seq 1 "$N"); do q "$b" "" range "$qq" >> "$work/t"; done
  c1=$(cpu_seconds "$jp")
  echo "$(basename "$ROOT") ${qq:0:20}: median/min/max ms $(stats < "$work/t"), server cpu ms/query $(awk -v a="$c0" -v b="$c1" -v n="$N" 'BEGIN{printf "%.2f", (b-a)*1000/n}')"
done
