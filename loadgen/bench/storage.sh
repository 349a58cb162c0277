#!/usr/bin/env bash
# Storage side by side: the whole peers data set (5,760,000 samples) on disk after flush/compaction.
#   MetricStream  storage-service's StorageBench (head -> blocks -> compaction, in process), then end to end:
#                 ./metricstream up, the data set in line protocol through ingestion, wait until storage applied
#                 it and a checkpoint ran, then the sizes of storage/ (blocks, head.checkpoint) and queue/.
#   VictoriaMetrics  line protocol, /internal/force_flush, wait SETTLE s, size of -storageDataPath; again after stop.
#   Prometheus    promtool tsdb create-blocks-from openmetrics, size of the blocks.
#   InfluxDB      line protocol (db=bench), cache snapshot + full compaction forced cold after 5 s/10 s, size of the
#                 .tsm files once they stop changing.
# Writes the table to OUT (markdown).  Knobs: SETTLE=30 HOURS=24 OUT=... SKIP="influx ms-e2e".
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

SETTLE=${SETTLE:-30}
HOURS=${HOURS:-24}
SKIP=${SKIP:-}
OUT=${OUT:-"$root/loadgen/bench/results/storage.md"}
mkdir -p "$(dirname "$OUT")"
work=$(mktemp -d /tmp/bench-storage.XXXXXX)
trap 'stop_server; rm -rf "$work"' EXIT
samples=$((1000 * HOURS * 240))
skip() { [[ " $SKIP " == *" $1 "* ]]; }
bps() { awk -v b="$1" -v s="$samples" 'BEGIN { printf "%.3f", b / s }'; }
fmt() { printf "%'d" "$1"; }
rows=()

test_cp() { # module -> test classpath (cached in target/)
  local m="$1" f="$root/$1/target/bench-test-classpath.txt"
  if [ ! -f "$f" ]; then
    (cd "$root/$m" && mvn -o -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$f" >&2)
  fi
  echo "$root/$m/target/classes:$root/$m/target/test-classes:$(cat "$f")"
}

# --- MetricStream, in process (StorageBench) ---
if ! skip ms-bench; then
  python3 "$gen_py" --format prom --order series --hours "$HOURS" --out "$work/peers.prom"
  "$JAVA_BIN" -Xmx4g -cp "$(test_cp storage-service)" io.metricstream.storage.bench.StorageBench "$work/peers.prom" \
    "$work/ms-db" 2>&1 | grep -v -E '^[0-9:.]+ \[main\] DEBUG|^\s+at |^java\.lang\.' | tee "$work/storagebench.txt" >&2
  rm -rf "$work/ms-db" "$work/peers.prom"
  b=$(sed -n 's/^after compaction: .* bytes=\([0-9]*\) .*/\1/p' "$work/storagebench.txt")
  r=$(sed -n 's/^rollups (5m+1h) after compaction: bytes=\([0-9]*\) .*/\1/p' "$work/storagebench.txt")
  rows+=("| MetricStream, StorageBench, blocks after compaction incl. 5m/1h rollups | $(fmt "$b") | $(bps "$b") |")
  rows+=("| MetricStream, StorageBench, same blocks without the rollup files | $(fmt $((b - r))) | $(bps $((b - r))) |")
fi

# --- VictoriaMetrics ---
if ! skip victoria; then
  start_victoria
  loadgen --dataset peers --hours "$HOURS" --format lp --target "$SERVER_URL/write" --batch 5000 --connections 2 \
    --duration 10m --preencode 4000 >"$work/vm-load.txt" 2>&1
  curl -fsS "$SERVER_URL/internal/force_flush" >/dev/null
  sleep "$SETTLE"
  vm_live=$(du -sb "$SERVER_DIR" --exclude=log | awk '{print $1}')
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  vm_stopped=$(du -sb "$SERVER_DIR" --exclude=log | awk '{print $1}')
  SERVER_PID=""; rm -rf "$SERVER_DIR"; SERVER_DIR=""
  rows+=("| VictoriaMetrics 1.79.5, storageDataPath after force_flush + ${SETTLE} s | $(fmt "$vm_live") | $(bps "$vm_live") |")
  rows+=("| VictoriaMetrics, same after a clean stop | $(fmt "$vm_stopped") | $(bps "$vm_stopped") |")
fi

# --- Prometheus (backfill) ---
if ! skip prometheus; then
  python3 "$gen_py" --format openmetrics --hours "$HOURS" --out "$work/peers.om"
  promtool tsdb create-blocks-from openmetrics "$work/peers.om" "$work/prom-blocks" >"$work/promtool.txt" 2>&1
  rm -f "$work/peers.om"
  pb=$(du -sb "$work/prom-blocks" | awk '{print $1}')
  nb=$(find "$work/prom-blocks" -maxdepth 1 -mindepth 1 -type d | wc -l)
  rows+=("| Prometheus 2.42 (promtool backfill, $nb blocks) | $(fmt "$pb") | $(bps "$pb") |")
  rm -rf "$work/prom-blocks"
fi

# --- InfluxDB ---
if ! skip influx; then
  start_influx '  cache-snapshot-write-cold-duration = "5s"
  compact-full-write-cold-duration = "10s"'
  loadgen --dataset peers --hours "$HOURS" --format lp --target "$SERVER_URL/write?db=bench" --batch 5000 \
    --connections 2 --duration 10m --preencode 4000 >"$work/influx-load.txt" 2>&1
  tsm() { find "$SERVER_DIR/data" -name '*.tsm' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
  last=-1; stable=0
  for _ in $(seq 1 120); do # up to 4 min: stable for 20 s and the WAL segments gone
    sleep 2; now=$(tsm)
    walb=$(find "$SERVER_DIR/wal" -name '*.wal' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
    if [ "$now" = "$last" ] && [ "$walb" -lt 1000 ]; then stable=$((stable + 1)); else stable=0; fi
    last=$now; [ "$stable" -ge 10 ] && break
  done
  it=$(tsm); idir=$(du -sb "$SERVER_DIR/data" | awk '{print $1}')
  ntsm=$(find "$SERVER_DIR/data" -name '*.tsm' | wc -l)
  stop_server
  rows+=("| InfluxDB 1.6.7, .tsm files ($ntsm) after full compaction | $(fmt "$it") | $(bps "$it") |")
  rows+=("| InfluxDB, whole data dir (TSM + index) | $(fmt "$idir") | $(bps "$idir") |")
fi

# --- MetricStream end to end ---
if ! skip ms-e2e; then
  start_metricstream
  loadgen --dataset peers --hours "$HOURS" --format lp --target "$SERVER_URL/write" --batch 5000 --connections 2 \
    --duration 10m --preencode 4000 >"$work/ms-load.txt" 2>&1
  # wait until storage's head + blocks hold every sample (status endpoint), then two checkpoint intervals
  for _ in $(seq 1 120); do
    curl -fsS http://127.0.0.1:7081/api/v1/status >"$work/ms-status.json" 2>/dev/null || true
    got=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["data"]["samplesAppended"]))' \
      "$work/ms-status.json" 2>/dev/null || echo 0)
    [ "$got" -ge "$samples" ] && break; sleep 1
  done
  sleep 25
  curl -fsS http://127.0.0.1:7081/api/v1/status >"$work/ms-status.json" 2>/dev/null || true
  cp "$work/ms-status.json" "$root/loadgen/bench/results/storage-ms-status.json" || true
  sdir="$SERVER_DIR/storage"; qdir="$SERVER_DIR/queue"
  blocks=$(find "$sdir" -mindepth 1 -maxdepth 1 -type d -printf '%p\n' | xargs -r du -sbc | tail -1 | awk '{print $1}')
  ckpt=$(find "$sdir" -maxdepth 1 -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  sall=$(du -sb "$sdir" | awk '{print $1}'); qall=$(du -sb "$qdir" | awk '{print $1}')
  (cd "$SERVER_DIR" && find . -maxdepth 2 -printf '%y %10s %p\n' | sort -k3) >"$root/loadgen/bench/results/storage-ms-tree.txt"
  stop_server
  rows+=("| MetricStream end to end (./metricstream up, lp), storage/ block dirs ($got samples in head+blocks) | $(fmt "${blocks:-0}") | $(bps "${blocks:-0}") |")
  rows+=("| MetricStream end to end, storage/ files (head.checkpoint etc.: the unflushed head) | $(fmt "$ckpt") | $(bps "$ckpt") |")
  rows+=("| MetricStream end to end, whole storage/ | $(fmt "$sall") | $(bps "$sall") |")
  rows+=("| MetricStream end to end, queue/ (the write-ahead log; retention-bound) | $(fmt "$qall") | $(bps "$qall") |")
fi

{
  echo "## Storage: the whole peers data set on disk ($samples samples)"
  echo
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores by loadgen/bench/storage.sh (HOURS=$HOURS, SETTLE=$SETTLE)."
  echo
  echo "| system | bytes | bytes/sample |"
  echo "| --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
  if [ -s "$work/storagebench.txt" ]; then
    echo; echo "StorageBench output:"; echo; echo '```'; cat "$work/storagebench.txt"; echo '```'
  fi
} >"$OUT"
cat "$OUT"
