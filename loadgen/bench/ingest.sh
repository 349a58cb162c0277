#!/usr/bin/env bash
# Ingestion side by side: the whole peers data set (gen.py defaults, 5,760,000 samples) at 5,000 samples per
# request over 1/2/4/8 keep-alive connections (closed loop), in Influx line protocol and Prometheus remote write,
# into a fresh server per run: VictoriaMetrics, InfluxDB, Prometheus and MetricStream. Reports acked samples/s
# (median of REPEAT runs) and server CPU per sample, and writes the table to OUT (markdown).
#   loadgen/bench/ingest.sh                       # everything, REPEAT=3
#   REPEAT=1 CONNS="1 4" TARGETS="victoria-lp metricstream-lp" HOURS=2 loadgen/bench/ingest.sh
#   JFR_DIR=/tmp/jfr REPEAT=1 CONNS=4 TARGETS=metricstream-lp loadgen/bench/ingest.sh   # + a JFR profile per run
# Every run first sends an unmeasured warm-up pass (WARMUP_HOURS, default 24, of the same generator with host names
# "w00".."w99": disjoint series, ending where the measured data set starts, so every target then takes the
# measured set as in-order new series), same format and connections, then waits until the server is idle: the JVM's
# JIT compiles its hot paths during the warm-up the way the Go peers' are compiled ahead of time. The warm-up's
# requests carry WARMUP_BATCH (500) samples: C2 compiles a method after ~5,000-15,000 invocations, and 5,000-sample
# warm-up requests (288 for 6 h, 1,152 for 24 h) left the per-request code (HTTP, event loops, queue frames,
# batcher) to be compiled inside the measured pass: 150-580 compilations, 0.12-0.58 µs/sample of compiler CPU and
# most of the run-to-run spread (loadgen/bench/README.md). Its last WARMUP_TAIL_HOURS (4) are sent in 5,000-sample
# requests again, so the branches of the measured request size are compiled too. WARMUP_HOURS=0: a cold server.
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"

REPEAT=${REPEAT:-3}
CONNS=${CONNS:-"1 2 4 8"}
HOURS=${HOURS:-24}
CPU_SETTLE=${CPU_SETTLE:-5} # s between the last ack and the server CPU reading
WARMUP_HOURS=${WARMUP_HOURS:-24}
WARMUP_BATCH=${WARMUP_BATCH:-500}
WARMUP_TAIL_HOURS=${WARMUP_TAIL_HOURS:-4}
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

# THREADS=1: per measured pass, the server's CPU per thread group (µs/sample; thread names with digits folded,
# e.g. the C2/C1 compiler threads, "GC Thread#n", "ms-io-n"), and from jstat the JIT compilations and the GCs
# (count, seconds) in the pass, on stderr: what the pass's CPU was spent on, and whether the JVM was still warming.
thread_snapshot() { # PID -> "jvm_age_s jit_compilations ygc ygct fgc fgct" line, then "tid ticks name" per thread
  local java_pid=$1 t
  printf '%s %s %s\n' "$(awk -v hz="$(getconf CLK_TCK)" -v up="$(cut -d' ' -f1 /proc/uptime)" \
    '{ sub(/.*\) /, ""); split($0, f, " "); printf "%.1f", up - f[20] / hz }' "/proc/$java_pid/stat")" \
    "$(jstat -compiler "$java_pid" 2>/dev/null | awk 'NR == 2 { print $1 }')" \
    "$(jstat -gc "$java_pid" 2>/dev/null | awk 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i }
      NR == 2 { print $h["YGC"], $h["YGCT"], $h["FGC"], $h["FGCT"] }')"
  for t in /proc/"$java_pid"/task/*; do
    # comm is field 2 in parentheses and may hold spaces: read the fields after the last ')'
    awk -v tid="${t##*/}" '{ i = index($0, ") "); name = substr($0, index($0, "(") + 1, i - index($0, "(") - 1)
      split(substr($0, i + 2), f, " "); gsub(/ /, "_", name); print tid, f[12] + f[13], name }' "$t/stat" 2>/dev/null
  done
}
thread_report() { # SNAP0 SNAP1 RUN_JSON
  python3 - "$@" <<'PY'
import json, os, re, sys
hz = os.sysconf("SC_CLK_TCK")
def load(p):
    lines = open(p).read().splitlines()
    head = lines[0].split()
    return head, {l.split()[0]: (int(l.split()[1]), l.split()[2]) for l in lines[1:] if l.strip()}
(h0, a), (h1, b) = load(sys.argv[1]), load(sys.argv[2])
acked = json.load(open(sys.argv[3]))["stages"][0]["samples_acked"] or 1
groups = {}
for tid, (ticks, name) in b.items():
    d = ticks - a.get(tid, (0, name))[0]
    g = re.sub(r"[0-9]+", "N", name)
    groups[g] = groups.get(g, 0) + d
total = sum(groups.values())
print("  threads (us/sample): total %.3f; " % (total / hz * 1e6 / acked) + ", ".join(
    "%s %.3f" % (g, d / hz * 1e6 / acked) for g, d in sorted(groups.items(), key=lambda x: -x[1]) if d > 0))
if len(h0) == 6 and len(h1) == 6:
    print("  JVM %s s old at the pass's start; jit compilations %d; young GCs %d (%.3f s); full GCs %d (%.3f s)" % (
        h0[0], int(h1[1]) - int(h0[1]), int(h1[2]) - int(h0[2]), float(h1[3]) - float(h0[3]),
        int(h1[4]) - int(h0[4]), float(h1[5]) - float(h0[5])))
PY
}

# Waits (at most QUIET_MAX s) until the server used under QUIET_CPU s of CPU in the last second: work the warm-up
# left behind (background merges, JIT compilations still queued) then does not land in the measured pass.
QUIET_MAX=${QUIET_MAX:-60}
QUIET_CPU=${QUIET_CPU:-0.03}
wait_quiet() { # PID
  local c0 c1 deadline=$((SECONDS + QUIET_MAX))
  c0=$(cpu_seconds "$1")
  while [ "$SECONDS" -lt "$deadline" ]; do
    sleep 1
    c1=$(cpu_seconds "$1")
    if awk -v a="$c0" -v b="$c1" -v q="$QUIET_CPU" 'BEGIN { exit !(b - a < q) }'; then return 0; fi
    c0=$c1
  done
  echo "bench: server still busy $QUIET_MAX s after the warm-up; measuring anyway" >&2
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
        # small requests first (per-request code past the C2 thresholds), then the last WARMUP_TAIL_HOURS in the
        # measured pass's 5,000-sample requests (their branches taken, deoptimised and recompiled before the pass)
        tail_h=$WARMUP_TAIL_HOURS; [ "$tail_h" -lt "$WARMUP_HOURS" ] || tail_h=0
        warm_start=$(awk -v s="$data_start_s" -v h="$WARMUP_HOURS" 'BEGIN { printf "%d", s - h * 3600 }')
        loadgen --dataset peers --hours $((WARMUP_HOURS - tail_h)) --start "$warm_start" --host-prefix w \
          --format "$fmt" --target "$SERVER_URL$path" --batch "$WARMUP_BATCH" --connections "$c" --duration 10m \
          --preencode 4000 >"$work/warmup.txt" 2>&1 ||
          echo "bench: $t warm-up failed: $(tail -1 "$work/warmup.txt")" >&2
        if [ "$tail_h" != 0 ]; then
          loadgen --dataset peers --hours "$tail_h" --start $((data_start_s - tail_h * 3600)) --host-prefix w \
            --format "$fmt" --target "$SERVER_URL$path" --batch 5000 --connections "$c" --duration 10m \
            --preencode 4000 >"$work/warmup.txt" 2>&1 ||
            echo "bench: $t warm-up tail failed: $(tail -1 "$work/warmup.txt")" >&2
        fi
        sleep "$CPU_SETTLE"
        wait_quiet "$SERVER_PID"
      fi
      before=$(cpu_seconds "$SERVER_PID")
      if [ -n "${THREADS:-}" ]; then thread_snapshot "$SERVER_PID" >"$work/threads0"; fi
      loadgen --dataset peers --hours "$HOURS" --format "$fmt" --target "$SERVER_URL$path" --batch 5000 \
        --connections "$c" --duration 10m --preencode 4000 --json "$work/run.json" >"$work/run.txt" 2>&1 || true
      # work still running after the last ack (a storage consumer catching up, background merges) is the
      # ingest's cost too: read the CPU after CPU_SETTLE seconds, the same for every target
      sleep "$CPU_SETTLE"
      after=$(cpu_seconds "$SERVER_PID")
      if [ -n "${THREADS:-}" ]; then
        thread_snapshot "$SERVER_PID" >"$work/threads1"
        thread_report "$work/threads0" "$work/threads1" "$work/run.json" >&2 || true
      fi
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
