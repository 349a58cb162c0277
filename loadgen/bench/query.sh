#!/usr/bin/env bash
# Queries side by side on the loaded peers data set: PEERS.md's five queries (24 h ranges, step 60 s; one instant
# query) over HTTP with curl against Prometheus (promtool-backfilled blocks), VictoriaMetrics (remote write, then
# /internal/force_flush; nocache=1 on every query) and MetricStream (./metricstream up, remote write through
# ingestion). Each target waits until its query API counts every sample, then SETTLE s. Per query: the first run
# (cold), then WARMUP (20) unmeasured runs, then RUNS (10) measured runs, curl's time_total in ms. The warm-up is the
# same for every target: it lets a JVM's JIT compile the query paths (a fresh MetricStream spends 3-20 ms of C2
# compilation per query during its first ~50 queries), as Go's peers are compiled ahead of time. WARMUP=0 gives
# the session-1 protocol. Writes the table to OUT (markdown).
#
# INTERLEAVE=1 (default): every target runs at the same time. They are started together, loaded one after the other
# with the same data, each waits until every sample is visible, then one SETTLE; then per query the cold runs, the
# warm-ups and the measured runs go round by round over the targets, each round in TARGETS' order or its reverse
# (P V M, M V P, ...), so the machine's drift between minutes (±30 % on a shared 2-core box) hits every target alike.
# Besides each target's median and range the table gives MetricStream's ratio to each peer: the ratio of the
# medians and the median of the paired ratios (MetricStream's run over the peer's run of the same round).
# INTERLEAVE=0: the former sequential protocol, one server at a time (start, load, wait, SETTLE, all five queries,
# stop, next target); its ratios compare runs minutes apart.
#   loadgen/bench/query.sh          # RUNS=10 WARMUP=20 SETTLE=30 INTERLEAVE=1 TARGETS="prometheus victoria metricstream"
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"

RUNS=${RUNS:-10}
WARMUP=${WARMUP:-20}
SETTLE=${SETTLE:-30} # s to wait after every sample is visible (background flush/compaction/merges) before timing
INTERLEAVE=${INTERLEAVE:-1}
TARGETS=${TARGETS:-"prometheus victoria metricstream"}
OUT=${OUT:-"$root/loadgen/bench/results/query.md"}
mkdir -p "$(dirname "$OUT")"
work=$(mktemp -d /tmp/bench-query.XXXXXX)
source "$(dirname "${BASH_SOURCE[0]}")/queries.sh"

declare -A loaded
trap 'stop_server; stop_all; rm -rf "$work"' EXIT # stop_server: one that failed to come up

: >"$work/runs" # lines "kind target query round ms", kind cold or run
: >"$work/shapes" # lines "target query shape..."
measure() { # kind target query_index round spec
  local kind="$1" t="$2" i="$3" r="$4" spec="$5" ms
  ms=$(q "${base[$t]}" "${extra[$t]}" "${spec%%|*}" "${spec#*|}")
  case "$kind" in
    cold) echo "cold $t $i 0 $ms" >>"$work/runs"; echo "$t $i $(shape)" >>"$work/shapes" ;;
    run) echo "run $t $i $r $ms" >>"$work/runs" ;;
  esac
}

shape() { # series count and points of $work/body
  python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
if d.get("status")!="success": print("error: "+str(d)[:120]); sys.exit()
r=d["data"]["result"]
pts=sum(len(x.get("values",[])) or (1 if "value" in x else 0) for x in r)
print("%d series, %d points" % (len(r), pts))' "$work/body"
}

bench_queries() { # targets...: per query the cold run, WARMUP warm-ups and RUNS measured runs, rounds over the targets
  local i=0 w r t spec
  for spec in "${QUERIES[@]}"; do
    for t in $(in_order $i "$@"); do measure cold "$t" $i 0 "$spec"; done
    for w in $(seq 1 "$WARMUP"); do
      for t in $(in_order $((i + w)) "$@"); do measure warm "$t" $i 0 "$spec"; done
    done
    for r in $(seq 1 "$RUNS"); do
      for t in $(in_order $((i + r)) "$@"); do measure run "$t" $i "$r" "$spec"; done
    done
    for t in "$@"; do
      echo "$t q$i: cold $(awk -v t="$t" -v i=$i '$1 == "cold" && $2 == t && $3 == i { print $5 }' "$work/runs") ms," \
        "median (min max) $(awk -v t="$t" -v i=$i '$1 == "run" && $2 == t && $3 == i { print $5 }' "$work/runs" | stats)" \
        "ms, $(awk -v t="$t" -v i=$i '$1 == t && $2 == i { $1 = ""; $2 = ""; print substr($0, 3) }' "$work/shapes")" >&2
    done
    i=$((i + 1))
  done
}

ready() { # t: loaded and visible; records loaded[t]
  loaded[$1]=$(wait_visible "${base[$1]}" "${extra[$1]}")
  echo "$1: ${loaded[$1]} samples visible; $(uptime)" >&2
}
if [ "$INTERLEAVE" = 1 ]; then
  for t in $TARGETS; do start_target "$t"; done
  for t in $TARGETS; do load_target "$t"; done
  for t in $TARGETS; do ready "$t"; done
  sleep "$SETTLE"
  echo "all targets settled; $(uptime)" >&2
  # shellcheck disable=SC2086 # TARGETS is a list of words
  bench_queries $TARGETS
else
  for t in $TARGETS; do
    start_target "$t"
    load_target "$t"; ready "$t"
    sleep "$SETTLE"
    bench_queries "$t"
    stop_target "$t"
  done
fi
stop_all

for spec in "${QUERIES[@]}"; do echo "$spec"; done >"$work/queries"
python3 - "$work" "$TARGETS" "$RUNS" "$WARMUP" "$SETTLE" "$STEP" "$INTERLEAVE" "$(nproc)" \
  "$(for t in $TARGETS; do printf '%s %s; ' "$t" "${loaded[$t]:-?}"; done)" >"$OUT" <<'PY'
import statistics, sys, time
work, targets, runs, warmup, settle, step, interleave, cores, visible = sys.argv[1:]
targets = targets.split(); interleave = interleave == "1"
queries = [line.rstrip("\n").split("|", 1) for line in open(work + "/queries")]
cold, run, shapes = {}, {}, {}
for line in open(work + "/runs"):
    kind, t, i, r, ms = line.split()
    if kind == "cold": cold[t, int(i)] = float(ms)
    else: run.setdefault((t, int(i)), {})[int(r)] = float(ms)
for line in open(work + "/shapes"):
    t, i, s = line.rstrip("\n").split(" ", 2); shapes[t, int(i)] = s
med = lambda t, i: statistics.median(run[t, i].values()) if (t, i) in run else None
f = lambda x: "-" if x is None else "%.2f" % x
mode = ("interleaved: all targets up at once, rounds alternating over them" if interleave
        else "sequential: one target after the other (INTERLEAVE=0)")
print("## Queries over HTTP on the loaded data set (ms; median of %s after one cold run and %s warm-up runs; 24 h, "
      "step %s s)" % (runs, warmup, step))
print()
print("Measured %s on %s cores by loadgen/bench/query.sh (%s); curl time_total on loopback;"
      % (time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()), cores, mode))
print("VictoriaMetrics with nocache=1; timing starts SETTLE=%s s after every sample is visible. Cell = median (cold). "
      "Samples visible before timing: %s" % (settle, visible))
print()
print("| query |" + "".join(" %s |" % t for t in targets))
print("| --- |" + " --- |" * len(targets))
for i, (kind, query) in enumerate(queries):
    print("| `%s` %s |" % (query, kind) + "".join(" %s (%s) |" % (f(med(t, i)), f(cold.get((t, i)))) for t in targets))
peers = [t for t in targets if t != "metricstream"] if "metricstream" in targets else []
if peers:
    print()
    print("Range (min-max of the %s measured runs) and MetricStream's ratio to each peer (< 1: MetricStream faster): "
          "of the medians; median (min-max) of the %s; of the cold runs." % (runs, "paired ratios, MetricStream's run "
          "over the peer's run of the same round" if interleave else "ratios of the i-th runs (minutes apart: "
          "sequential)"))
    print()
    print("| query |" + "".join(" %s range |" % t for t in targets)
          + "".join(" MS/%s medians | MS/%s paired | MS/%s cold |" % (p, p, p) for p in peers))
    print("| --- |" + " --- |" * (len(targets) + 3 * len(peers)))
    for i, (kind, query) in enumerate(queries):
        row = "| Q%d |" % (i + 1)
        for t in targets:
            v = run.get((t, i), {}).values()
            row += " %s-%s |" % (f(min(v)), f(max(v))) if v else " - |"
        for p in peers:
            m, pm = med("metricstream", i), med(p, i)
            row += " %s |" % (f(m / pm) if m and pm else "-")
            ms, ps = run.get(("metricstream", i), {}), run.get((p, i), {})
            pr = [ms[r] / ps[r] for r in ms if r in ps and ps[r] > 0]
            row += " %s (%s-%s) |" % (f(statistics.median(pr)), f(min(pr)), f(max(pr))) if pr else " - |"
            c, pc = cold.get(("metricstream", i)), cold.get((p, i))
            row += " %s |" % (f(c / pc) if c and pc else "-")
        print(row)
print()
print("Result shapes (series, points):")
for i in range(len(queries)):
    print("- q%d:" % i + "".join(" %s %s;" % (t, shapes.get((t, i), "")) for t in targets))
PY
cat "$OUT"
