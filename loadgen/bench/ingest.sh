#!/usr/bin/env bash
# Ingestion side by side: the whole peers data set (gen.py defaults, 5,760,000 samples) at 5,000 samples per
# request over 1/2/4/8 keep-alive connections (closed loop), in Influx line protocol and Prometheus remote write,
# into a fresh server per run: VictoriaMetrics, InfluxDB, Prometheus and MetricStream. Reports acked samples/s
# (median of REPEAT runs) and server CPU per sample, and writes the table to OUT (markdown).
#   loadgen/bench/ingest.sh                       # everything, REPEAT=3
#   REPEAT=1 CONNS="1 4" TARGETS="victoria-lp metricstream-lp" HOURS=2 loadgen/bench/ingest.sh
#   JFR_DIR=/tmp/jfr REPEAT=1 CONNS=4 TARGETS=metricstream-lp loadgen/bench/ingest.sh   # + a JFR profile per run
# Every run first sends an unmeasured warm-up pass (WARMUP_HOURS, default 6, of the same generator with host names
# "w00".."w99": disjoint series, ending where the measured data set starts, so every target then takes the
# measured set as in-order new series), same format and connections: the JVM's JIT compiles its hot paths during
# the warm-up the way the Go peers' are compiled ahead of time. WARMUP_HOURS=0 measures a cold server.
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"

REPEAT=${REPEAT:-3}
CONNS=${CONNS:-"1 2 4 8"}
HOURS=${HOURS:-24}
CPU_SETTLE=${CPU_SETTLE:-5} # s between the last ack and the server CPU reading
WARMUP_HOURS=${WARMUP_HOURS:-6}
data_start_s=1704067200 # gen.py's default --start, 2024-01-01T00:00:00Z
TARGETS=${TARGETS:-"victoria-lp victoria-rw influx-lp prometheus-rw metricstream-lp metricstream-rw"}
OUT=${OUT:-"$root/loadgen/bench/results/ingest.md"}
mkdir -p "$(dirname "$OUT")"
work=$(mktemp -d /tmp/bench-ingest.XXXXXX)
trap 'stop_server; rm -rf "$work"' EXIT

target_spec() { # name -> "start_fn format path"
  case "$1" in
    victoria-lp) echo "start_victoria lp /write" ;;
    victoria-rw) echo "start_victoria remote-write /api/v1/write" ;;
    influx-lp) echo "start_influx lp /write?db=bench" ;;
    prometheus-rw) echo "start_prometheus remote-write /api/v1/write" ;;
    metricstream-lp) echo "start_metricstream lp /write" ;;
    metricstream-rw) echo "start_metricstream remote-write /api/v1/write" ;;
    *) echo "bench: unknown target $1" >&2; exit 2 ;;
  esac
}

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else print a[int((NR + 1) / 2)] }'; }

declare -A rate cpu acked
for t in $TARGETS; do
  read -r start fmt path <<<"$(target_spec "$t")"
  for c in $CONNS; do
    : >"$work/rates"; : >"$work/cpus"; : >"$work/acked"
    for r in $(seq 1 "$REPEAT"); do
      jfr_opts "$t-c$c-r$r"
      if ! "$start"; then echo "bench: $t did not start (see its log); skipped" >&2; stop_server; break; fi
      rm -f "$work/run.json"
      if [ "$WARMUP_HOURS" != 0 ]; then
        warm_start=$(awk -v s="$data_start_s" -v h="$WARMUP_HOURS" 'BEGIN { printf "%d", s - h * 3600 }')
        loadgen --dataset peers --hours "$WARMUP_HOURS" --start "$warm_start" --host-prefix w --format "$fmt" \
          --target "$SERVER_URL$path" --batch 5000 --connections "$c" --duration 10m --preencode 4000 \
          >"$work/warmup.txt" 2>&1 || echo "bench: $t warm-up failed: $(tail -1 "$work/warmup.txt")" >&2
        sleep "$CPU_SETTLE"
      fi
      before=$(cpu_seconds "$SERVER_PID")
      loadgen --dataset peers --hours "$HOURS" --format "$fmt" --target "$SERVER_URL$path" --batch 5000 \
        --connections "$c" --duration 10m --preencode 4000 --json "$work/run.json" >"$work/run.txt" 2>&1 || true
      # work still running after the last ack (a storage consumer catching up, background merges) is the
      # ingest's cost too: read the CPU after CPU_SETTLE seconds, the same for every target
      sleep "$CPU_SETTLE"
      after=$(cpu_seconds "$SERVER_PID")
      stop_server
      python3 - "$work/run.json" "$before" "$after" >"$work/line" 2>/dev/null <<'PY' || true
import json, sys
s = json.load(open(sys.argv[1]))["stages"][0]
cpu = float(sys.argv[3]) - float(sys.argv[2])
us = cpu * 1e6 / s["samples_acked"] if s["samples_acked"] else float("nan")
print(s["samples_per_s"], us, s["samples_acked"])
PY
      if [ -s "$work/line" ]; then
        awk '{print $1}' "$work/line" >>"$work/rates"
        awk '{print $2}' "$work/line" >>"$work/cpus"
        awk '{print $3}' "$work/line" >>"$work/acked"
      fi
      echo "$t conn=$c run=$r: $(cat "$work/line") $(grep -m1 'status:' "$work/run.txt" || true)" >&2
    done
    rate[$t,$c]=$(median <"$work/rates"); cpu[$t,$c]=$(median <"$work/cpus"); acked[$t,$c]=$(median <"$work/acked")
  done
done

{
  echo "## Ingestion: the whole peers data set, 5,000 samples per request (samples/s acked, median of $REPEAT)"
  echo
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores by loadgen/bench/ingest.sh (HOURS=$HOURS);"
  echo "client: loadgen closed loop, keep-alive; fresh server per run, warmed by WARMUP_HOURS=$WARMUP_HOURS of"
  echo "other series before the data set's start (unmeasured); cell = samples/s (server CPU µs/sample, read"
  echo "CPU_SETTLE=${CPU_SETTLE} s after the last ack)."
  echo
  printf '| target |'; for c in $CONNS; do printf ' %s conn |' "$c"; done; echo
  printf '| --- |'; for c in $CONNS; do printf ' --- |'; done; echo
  for t in $TARGETS; do
    printf '| %s |' "$t"
    for c in $CONNS; do
      v=${rate[$t,$c]:-}; u=${cpu[$t,$c]:-}
      if [ -z "$v" ] || [ "$v" = "-" ]; then printf ' not run |'
      else printf ' %s |' "$(awk -v v="$v" -v u="$u" 'BEGIN { printf "%.2f M (%.2f µs)", v / 1e6, u }')"; fi
    done
    echo
  done
  echo
  echo "Samples acked per run (all should be the whole set):"
  for t in $TARGETS; do for c in $CONNS; do echo "- $t, $c conn: ${acked[$t,$c]:-none}"; done; done
} >"$OUT"
cat "$OUT"
