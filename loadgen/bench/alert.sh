#!/usr/bin/env bash
# Alert detection latency side by side: rule `bar_gauge > 100`, for: 0s, evaluation interval 1 s, routing
# group_by ['...'], group_wait 0s, group_interval 1s, a webhook receiver on loopback (alert_driver.py). Per trial
# a NEW series bar_gauge{trial=...} = 200 is remote-written; latency = the write's 2xx -> the webhook's arrival.
#   Prometheus 2.42 + Alertmanager 0.25 (Debian prometheus, prometheus-alertmanager)
#   MetricStream: ./metricstream up with the same rule file and the same Alertmanager YAML as its routing file.
#   loadgen/bench/alert.sh            # TRIALS=100 WARMUP=5 TARGETS="prometheus metricstream"
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"

TRIALS=${TRIALS:-100}
WARMUP=${WARMUP:-5}
TARGETS=${TARGETS:-"prometheus metricstream"}
OUT=${OUT:-"$root/loadgen/bench/results/alert.md"}
mkdir -p "$(dirname "$OUT")"
work=$(mktemp -d /tmp/bench-alert.XXXXXX)
AM_PID=""
cleanup() {
  stop_server
  if [ -n "$AM_PID" ]; then kill "$AM_PID" 2>/dev/null || true; wait "$AM_PID" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

hook=$(free_port)
cat >"$work/rules.yml" <<YML
groups:
  - name: bench
    interval: 1s
    rules:
      - alert: BarHigh
        expr: bar_gauge > 100
        for: 0s
YML
cat >"$work/am.yml" <<YML
route:
  receiver: hook
  group_by: ['...']
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:$hook/
        send_resolved: false
YML

declare -A res
for t in $TARGETS; do
  case "$t" in
    prometheus)
      amport=$(free_port); mkdir -p "$work/am"
      prometheus-alertmanager --config.file="$work/am.yml" --storage.path="$work/am" \
        --web.listen-address="127.0.0.1:$amport" --cluster.listen-address="" >"$work/am.log" 2>&1 &
      AM_PID=$!
      wait_http "http://127.0.0.1:$amport/-/ready" 30
      port=$(free_port); SERVER_DIR=$(mktemp -d /tmp/bench-prom.XXXXXX)
      cp "$work/rules.yml" "$SERVER_DIR/rules.yml"
      cat >"$SERVER_DIR/prometheus.yml" <<YML
global:
  scrape_interval: 1h
  evaluation_interval: 1s
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:$amport']
YML
      prometheus --config.file="$SERVER_DIR/prometheus.yml" --storage.tsdb.path="$SERVER_DIR/data" \
        --web.listen-address="127.0.0.1:$port" --web.enable-remote-write-receiver \
        --storage.tsdb.retention.time=100y >"$SERVER_DIR/log" 2>&1 &
      SERVER_PID=$!; SERVER_URL="http://127.0.0.1:$port"
      wait_http "$SERVER_URL/-/ready" 60
      label="Prometheus 2.42 + Alertmanager 0.25"
      ;;
    metricstream)
      cat >"$work/ms.yml" <<YML
alert:
  rule_files:
    - $work/rules.yml
  routing_file: $work/am.yml
  evaluation_interval_ms: 1000
YML
      SERVER_DIR=$(mktemp -d /tmp/ms-bench.XXXXXX)
      (cd "$root" && exec ./metricstream up --data-dir "$SERVER_DIR" --config "$work/ms.yml") >"$SERVER_DIR/log" 2>&1 &
      SERVER_PID=$!; SERVER_URL="http://127.0.0.1:8080"
      wait_http "$SERVER_URL/ready" 180; wait_http "http://127.0.0.1:9093/ready" 60
      label="MetricStream (./metricstream up)"
      ;;
  esac
  echo "$t: $(uptime)" >&2
  python3 "$bench_dir/alert_driver.py" "$SERVER_URL/api/v1/write" "$hook" "$TRIALS" "$WARMUP" >"$work/$t.json" \
    2>"$work/$t.err" || cat "$work/$t.err" >&2
  cat "$work/$t.json" >&2
  res[$t]=$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); f=lambda x: "%.3f s" % x
print("| %s | %d (missed %d) | %s | %s | %s | %s |" % (sys.argv[2], d["trials"], d["missed"], f(d["p50_s"]), f(d["p90_s"]), f(d["p99_s"]), f(d["max_s"])))' \
    "$work/$t.json" "$label" 2>/dev/null || echo "| $label | not run | | | | |")
  stop_server
  if [ -n "$AM_PID" ]; then kill "$AM_PID" 2>/dev/null || true; wait "$AM_PID" 2>/dev/null || true; AM_PID=""; fi
done

{
  echo "## Alert detection latency (remote-write 2xx of a breaching sample -> webhook arrival)"
  echo
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores by loadgen/bench/alert.sh: rule \`bar_gauge > 100\`, for 0s,"
  echo "evaluation interval 1 s, group_by ['...'], group_wait 0s, group_interval 1s, a new series per trial,"
  echo "$WARMUP warm-up trials, 0-1 s random pause between trials (uniform over one evaluation interval)."
  echo
  echo "| system | trials | p50 | p90 | p99 | max |"
  echo "| --- | --- | --- | --- | --- | --- |"
  for t in $TARGETS; do echo "${res[$t]:-| $t | not run | | | | |}"; done
} >"$OUT"
cat "$OUT"
