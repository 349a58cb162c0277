#!/usr/bin/env bash
# Start/stop helpers for the peers and MetricStream, each on 127.0.0.1 with its data in a fresh /tmp directory.
# Sourced by the bench scripts. Every start_* sets SERVER_PID, SERVER_URL (ingest base URL) and SERVER_DIR.
#   apt-get install -y victoria-metrics influxdb prometheus wrk hyperfine
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERVER_PID=""; SERVER_URL=""; SERVER_DIR=""

start_victoria() {
  local port; port=$(free_port); SERVER_DIR=$(mktemp -d /tmp/bench-vm.XXXXXX)
  victoria-metrics -httpListenAddr="127.0.0.1:$port" -storageDataPath="$SERVER_DIR" -retentionPeriod=100y \
    -influxSkipSingleField >"$SERVER_DIR/log" 2>&1 &
  SERVER_PID=$!; SERVER_URL="http://127.0.0.1:$port"
  wait_http "$SERVER_URL/health" 30
}

# start_influx [extra [data] settings, one per line]  (storage.sh passes fast TSM compaction settings)
start_influx() {
  local extra="${1:-}"
  local port rpc; port=$(free_port); rpc=$(free_port); SERVER_DIR=$(mktemp -d /tmp/bench-influx.XXXXXX)
  cat >"$SERVER_DIR/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$rpc"
[meta]
  dir = "$SERVER_DIR/meta"
[data]
  dir = "$SERVER_DIR/data"
  wal-dir = "$SERVER_DIR/wal"
  query-log-enabled = false
$extra
[http]
  bind-address = "127.0.0.1:$port"
  log-enabled = false
[monitor]
  store-enabled = false
CONF
  influxd -config "$SERVER_DIR/influxdb.conf" >"$SERVER_DIR/log" 2>&1 &
  SERVER_PID=$!; SERVER_URL="http://127.0.0.1:$port"
  wait_http "$SERVER_URL/ping" 30
  curl -fsS -XPOST "$SERVER_URL/query" --data-urlencode 'q=CREATE DATABASE bench' >/dev/null
}

start_prometheus() {
  local port; port=$(free_port); SERVER_DIR=$(mktemp -d /tmp/bench-prom.XXXXXX)
  # out_of_order_time_window (Prometheus >= 2.39): replays on several connections arrive slightly out of order;
  # without it Prometheus rejects them (400), as it did up to session 3. 1h = MetricStream's default window.
  printf 'global:\n  scrape_interval: 1h\nstorage:\n  tsdb:\n    out_of_order_time_window: 1h\n' \
    >"$SERVER_DIR/prometheus.yml"
  prometheus --config.file="$SERVER_DIR/prometheus.yml" --storage.tsdb.path="$SERVER_DIR/data" \
    --web.listen-address="127.0.0.1:$port" --web.enable-remote-write-receiver \
    --storage.tsdb.retention.time=100y >"$SERVER_DIR/log" 2>&1 &
  SERVER_PID=$!; SERVER_URL="http://127.0.0.1:$port"
  wait_http "$SERVER_URL/-/ready" 60
}

# JFR_DIR set: MetricStream runs record a JFR profile (jdk.ExecutionSample etc.) into $JFR_DIR/<name>.jfr,
# written when the server stops; read it with `jfr print --events jdk.ExecutionSample` or `jfr summary`.
ms_base_opts=${METRICSTREAM_JAVA_OPTS:-}
jfr_opts() { # NAME: sets METRICSTREAM_JAVA_OPTS for the next start_metricstream
  if [ -n "${JFR_DIR:-}" ]; then
    mkdir -p "$JFR_DIR"
    export METRICSTREAM_JAVA_OPTS="$ms_base_opts -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints \
-XX:StartFlightRecording=filename=$JFR_DIR/$1.jfr,dumponexit=true,settings=profile"
  fi
}

# MS_PORT_OFFSET (default 0) moves every MetricStream port by that much, so two benchmark runs (e.g. from two
# worktrees) can share a machine: ingestion 8080+o, query 9090+o, alert 9093+o, queue 7070/7071+o, storage 7080/7081+o.
# The client addresses are set too (up derives them itself since 40e0263; older checkouts need them), except
# the queue clients of ingestion, storage and alert, which up points at the queue in its own JVM (local:queue, no loopback
# TCP); MS_TCP_QUEUE=1 sets them to the queue's TCP port as before (for A/B runs of the transport).
# MS_SET adds settings of your own, e.g. MS_SET="--set queue.fsync_policy=os" (label such runs in the results).
ms_port_args() {
  local o=${MS_PORT_OFFSET:-0}
  echo "--set ingestion.http_port=$((8080 + o)) --set query.http_port=$((9090 + o)) --set alert.http_port=$((9093 + o))" \
    "--set queue.binary_port=$((7070 + o)) --set queue.http_port=$((7071 + o))" \
    "--set storage.binary_port=$((7080 + o)) --set storage.http_port=$((7081 + o))" \
    "${MS_TCP_QUEUE:+--set ingestion.queue_address=127.0.0.1:$((7070 + o)) --set storage.queue_address=127.0.0.1:$((7070 + o))}" \
    "${MS_TCP_QUEUE:+--set alert.queue_address=127.0.0.1:$((7070 + o))}" \
    "--set query.storage_addresses=127.0.0.1:$((7080 + o))" \
    "--set alert.query_url=http://127.0.0.1:$((9090 + o)) --set alert.ingestion_url=http://127.0.0.1:$((8080 + o))" \
    "${MS_SET:-}"
}

start_metricstream() {
  local ingestion="http://127.0.0.1:$((8080 + ${MS_PORT_OFFSET:-0}))"
  # another instance on these ports would answer /ready and take the load in this one's place
  if curl -fsS -o /dev/null -m 2 "$ingestion/ready" 2>/dev/null; then
    echo "bench: something already answers on $ingestion (another MetricStream?); stop it or set MS_PORT_OFFSET" >&2
    return 1
  fi
  SERVER_DIR=$(mktemp -d /tmp/ms-bench.XXXXXX)
  # shellcheck disable=SC2046 # ms_port_args is a list of words
  (cd "$root" && exec ./metricstream up --data-dir "$SERVER_DIR" $(ms_port_args)) >"$SERVER_DIR/log" 2>&1 &
  SERVER_PID=$!; SERVER_URL="http://127.0.0.1:$((8080 + ${MS_PORT_OFFSET:-0}))"
  wait_http "$SERVER_URL/ready" 180
  # on JDK 25 the first `up` after a build trains the AOT cache (./metricstream), written while it exits: let that
  # run end cleanly, unmeasured, so every measured run starts from the cache as a user's later runs do
  if [ "${1:-}" != again ] && grep -q "trains the AOT cache" "$SERVER_DIR/log"; then
    echo "bench: MetricStream trained its AOT cache on this start; restarting from the cache" >&2
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 600); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    stop_server
    start_metricstream again
  fi
}

stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  [ -n "$SERVER_DIR" ] && rm -rf "$SERVER_DIR"
  SERVER_PID=""; SERVER_DIR=""
}

# CPU seconds (user + system) used so far by process $1 and its threads.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}
