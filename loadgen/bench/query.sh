#!/usr/bin/env bash
# Queries side by side on the loaded peers data set: PEERS.md's five queries (24 h ranges, step 60 s; one instant
# query) over HTTP with curl against Prometheus (promtool-backfilled blocks), VictoriaMetrics (remote write, then
# /internal/force_flush; nocache=1 on every query) and MetricStream (./metricstream up, remote write through
# ingestion; waits until the query API counts every sample). One server at a time. Per query: the first run
# (cold), then WARMUP (20) unmeasured runs, then the median of RUNS (10) runs, curl's time_total in ms. The warm-up
# is the same for every target: it lets a JVM's JIT compile the query paths (a fresh MetricStream spends 3-20 ms of
# C2 compilation per query during its first ~50 queries), as Go's peers are compiled ahead of time. WARMUP=0 gives
# the former protocol. Writes the table to OUT (markdown).
#   loadgen/bench/query.sh          # RUNS=10 WARMUP=20 SETTLE=30 TARGETS="prometheus victoria metricstream"
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"

RUNS=${RUNS:-10}
WARMUP=${WARMUP:-20}
SETTLE=${SETTLE:-30} # s to wait after every sample is visible (background flush/compaction/merges) before timing
TARGETS=${TARGETS:-"prometheus victoria metricstream"}
OUT=${OUT:-"$root/loadgen/bench/results/query.md"}
mkdir -p "$(dirname "$OUT")"
work=$(mktemp -d /tmp/bench-query.XXXXXX)
trap 'stop_server; rm -rf "$work"' EXIT

source "$(dirname "${BASH_SOURCE[0]}")/queries.sh"

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

q() { # base extra kind query -> prints ms, saves body to $work/body
  local base="$1" extra="$2" kind="$3" query="$4" t
  if [ "$kind" = range ]; then
    t=$(curl -sS -o "$work/body" -w '%{time_total}' -G "$base/api/v1/query_range" --data-urlencode "query=$query" \
      -d start=$START -d end=$END -d step=$STEP $extra)
  else
    t=$(curl -sS -o "$work/body" -w '%{time_total}' -G "$base/api/v1/query" --data-urlencode "query=$query" \
      -d time=$END $extra)
  fi
  awk -v t="$t" 'BEGIN { printf "%.2f\n", t * 1000 }'
}

shape() { # series count and points of $work/body
  python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
if d.get("status")!="success": print("error: "+str(d)[:120]); sys.exit()
r=d["data"]["result"]
pts=sum(len(x.get("values",[])) or (1 if "value" in x else 0) for x in r)
print("%d series, %d points" % (len(r), pts))' "$work/body"
}

count_all() { # base extra -> samples visible through the query API
  q "$1" "$2" instant "$COUNT_Q" >/dev/null
  python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); r=d["data"]["result"]
print(int(float(r[1])) if d["data"]["resultType"] == "scalar" else int(float(r[0]["value"][1])) if r else 0)' "$work/body" 2>/dev/null || echo 0
}

declare -A cold warm shp loaded
for t in $TARGETS; do
  extra=""
  case "$t" in
    prometheus)
      SERVER_DIR=$(mktemp -d /tmp/bench-prom.XXXXXX)
      python3 "$gen_py" --format openmetrics --out "$work/peers.om"
      promtool tsdb create-blocks-from openmetrics "$work/peers.om" "$SERVER_DIR/data" >"$work/promtool.txt" 2>&1
      rm -f "$work/peers.om"
      port=$(free_port)
      printf 'global:\n  scrape_interval: 1h\n' >"$SERVER_DIR/prometheus.yml"
      prometheus --config.file="$SERVER_DIR/prometheus.yml" --storage.tsdb.path="$SERVER_DIR/data" \
        --web.listen-address="127.0.0.1:$port" --storage.tsdb.retention.time=100y >"$SERVER_DIR/log" 2>&1 &
      SERVER_PID=$!; SERVER_URL="http://127.0.0.1:$port"; base=$SERVER_URL
      wait_http "$SERVER_URL/-/ready" 120
      ;;
    victoria)
      start_victoria; base=$SERVER_URL; extra="-d nocache=1"
      loadgen --dataset peers --format remote-write --target "$SERVER_URL/api/v1/write" --batch 5000 \
        --connections 2 --duration 10m --preencode 4000 >"$work/load.txt" 2>&1
      curl -fsS "$SERVER_URL/internal/force_flush" >/dev/null; sleep 5
      ;;
    metricstream)
      start_metricstream; base="http://127.0.0.1:$((9090 + ${MS_PORT_OFFSET:-0}))"
      loadgen --dataset peers --format remote-write --target "$SERVER_URL/api/v1/write" --batch 5000 \
        --connections 2 --duration 10m --preencode 4000 >"$work/load.txt" 2>&1
      ;;
  esac
  for _ in $(seq 1 180); do # until every sample is visible (or 3 min)
    n=$(count_all "$base" "$extra"); [ "$n" -ge 5760000 ] && break; sleep 1
  done
  loaded[$t]=$n
  sleep "$SETTLE"
  echo "$t: $n samples visible; $(uptime)" >&2
  i=0
  for spec in "${QUERIES[@]}"; do
    kind=${spec%%|*}; query=${spec#*|}
    cold[$t,$i]=$(q "$base" "$extra" "$kind" "$query"); shp[$t,$i]=$(shape)
    for _ in $(seq 1 "$WARMUP"); do q "$base" "$extra" "$kind" "$query" >/dev/null; done
    : >"$work/ms"
    for _ in $(seq 1 "$RUNS"); do q "$base" "$extra" "$kind" "$query" >>"$work/ms"; done
    warm[$t,$i]=$(median <"$work/ms")
    echo "$t q$i: cold ${cold[$t,$i]} ms, median ${warm[$t,$i]} ms, ${shp[$t,$i]}" >&2
    i=$((i + 1))
  done
  stop_server
done

{
  echo "## Queries over HTTP on the loaded data set (ms; median of $RUNS after one cold run and $WARMUP warm-up runs; 24 h, step ${STEP} s)"
  echo
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores by loadgen/bench/query.sh; curl time_total on loopback;"
  echo "VictoriaMetrics with nocache=1; timing starts SETTLE=${SETTLE} s after every sample is visible. Cell = median (cold). Samples visible before timing: $(for t in $TARGETS; do printf '%s %s; ' "$t" "${loaded[$t]:-?}"; done)"
  echo
  printf '| query |'; for t in $TARGETS; do printf ' %s |' "$t"; done; echo
  printf '| --- |'; for t in $TARGETS; do printf ' --- |'; done; echo
  i=0
  for spec in "${QUERIES[@]}"; do
    printf '| `%s` %s |' "${spec#*|}" "${spec%%|*}"
    for t in $TARGETS; do printf ' %s (%s) |' "${warm[$t,$i]:--}" "${cold[$t,$i]:--}"; done; echo
    i=$((i + 1))
  done
  echo
  echo "Result shapes (series, points):"
  i=0
  for spec in "${QUERIES[@]}"; do
    printf -- '- q%d:' "$i"; for t in $TARGETS; do printf ' %s %s;' "$t" "${shp[$t,$i]:-}"; done; echo
    i=$((i + 1))
  done
} >"$OUT"
cat "$OUT"
