#!/usr/bin/env bash
# Cold first queries after ingest, over CYCLES (5) fresh MetricStream processes: per cycle a fresh data dir,
# ./metricstream up, the peers data set by remote write, a wait until every sample is visible (query.sh's
# count_over_time probe, unless PROBE=0: then a wait on the ingestion's acks only, and SETTLE covers the rest),
# SETTLE (30) s, then the FIRST run of each of query.sh's five queries, in order, once. Prints per query the median
# and range of the cold runs over the cycles and writes them to OUT (markdown). Per run also the server's CPU ms
# (schedstat of its threads) and minor/major page faults (/proc/PID/stat) during the query. JFR_DIR=/tmp/x records a JFR profile per cycle
# (settings=profile; jdk.Deoptimization, jdk.Compilation, jdk.ExecutionSample ...). Every wait is bounded.
#   MS_PORT_OFFSET=200 loadgen/bench/cold.sh          # CYCLES=5 SETTLE=30 PROBE=1
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"

CYCLES=${CYCLES:-5}
SETTLE=${SETTLE:-30}
PROBE=${PROBE:-1}
OUT=${OUT:-"$root/loadgen/bench/results/cold.md"}
mkdir -p "$(dirname "$OUT")"
work=$(mktemp -d /tmp/bench-cold.XXXXXX)
trap 'stop_server; rm -rf "$work"' EXIT

source "$(dirname "${BASH_SOURCE[0]}")/queries.sh"

q() { # base kind query -> prints ms, saves body to $work/body
  local base="$1" kind="$2" query="$3" t
  if [ "$kind" = range ]; then
    t=$(curl -sS -m 60 -o "$work/body" -w '%{time_total}' -G "$base/api/v1/query_range" \
      --data-urlencode "query=$query" -d start=$START -d end=$END -d step=$STEP)
  else
    t=$(curl -sS -m 60 -o "$work/body" -w '%{time_total}' -G "$base/api/v1/query" --data-urlencode "query=$query" \
      -d time=$END)
  fi
  awk -v t="$t" 'BEGIN { printf "%.2f\n", t * 1000 }'
}

count_all() { # base -> samples visible through the query API
  q "$1" instant "$COUNT_Q" >/dev/null
  python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); r=d["data"]["result"]
print(int(float(r[1])) if d["data"]["resultType"] == "scalar" else int(float(r[0]["value"][1])) if r else 0)' "$work/body" 2>/dev/null || echo 0
}

stat_of() { # pid -> "cpu_us minflt majflt": CPU summed over the live threads' schedstat (ns; /proc/PID/stat counts
  # in 10 ms ticks, too coarse for one query)
  local cpu; cpu=$(cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s / 1000 }')
  awk -v cpu="${cpu:-0}" '{ printf "%s %d %d\n", cpu, $10, $12 }' "/proc/$1/stat" 2>/dev/null || echo "0 0 0"
}

stats() { # "median min max" of stdin
  sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "- - -"; exit }
    m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f %.1f %.1f\n", m, a[1], a[NR] }'
}

: >"$work/runs"
for c in $(seq 1 "$CYCLES"); do
  jfr_opts "cold-$c"
  start_metricstream
  base="http://127.0.0.1:$((9090 + ${MS_PORT_OFFSET:-0}))"
  loadgen --dataset peers --format remote-write --target "$SERVER_URL/api/v1/write" --batch 5000 \
    --connections 2 --duration 10m --preencode 4000 >"$work/load.txt" 2>&1
  n="-"
  if [ "$PROBE" = 1 ]; then
    for _ in $(seq 1 180); do # until every sample is visible (or 3 min)
      n=$(count_all "$base"); [ "$n" -ge 5760000 ] && break; sleep 1
    done
  fi
  sleep "$SETTLE"
  echo "cycle $c: $n samples visible; $(uptime)" >&2
  i=1
  for spec in "${QUERIES[@]}"; do
    kind=${spec%%|*}; query=${spec#*|}
    read -r cpu0 min0 maj0 <<<"$(stat_of "$SERVER_PID")"
    at=$(date -u +%H:%M:%S.%3N) # to find the query's events in a JFR recording
    ms=$(q "$base" "$kind" "$query")
    read -r cpu1 min1 maj1 <<<"$(stat_of "$SERVER_PID")"
    echo "$c $i $ms $(((cpu1 - cpu0) / 1000)).$(((cpu1 - cpu0) % 1000 / 100)) $((min1 - min0)) $((maj1 - maj0))" >>"$work/runs"
    echo "cycle $c q$i (at $at UTC): $ms ms, server CPU $(((cpu1 - cpu0) / 1000)) ms, minflt $((min1 - min0)), majflt $((maj1 - maj0))" >&2
    i=$((i + 1))
  done
  stop_server
done

{
  echo "## Cold first queries after ingest (ms; $CYCLES fresh processes; SETTLE=${SETTLE} s; PROBE=${PROBE})"
  echo
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores by loadgen/bench/cold.sh; curl time_total on loopback."
  echo
  echo "| query | cold median (min-max) ms | server CPU median ms | minflt median | runs (ms) |"
  echo "| --- | --- | --- | --- | --- |"
  i=1
  for spec in "${QUERIES[@]}"; do
    read -r med lo hi <<<"$(awk -v i=$i '$2 == i { print $3 }' "$work/runs" | stats)"
    read -r cpu _ _ <<<"$(awk -v i=$i '$2 == i { print $4 }' "$work/runs" | stats)"
    read -r flt _ _ <<<"$(awk -v i=$i '$2 == i { print $5 }' "$work/runs" | stats)"
    printf '| Q%d `%s` %s | %s (%s-%s) | %s | %s | %s |\n' "$i" "${spec#*|}" "${spec%%|*}" "$med" "$lo" "$hi" "$cpu" \
      "$flt" "$(awk -v i=$i '$2 == i { printf "%s ", $3 }' "$work/runs")"
    i=$((i + 1))
  done
} >"$OUT"
cat "$OUT"
