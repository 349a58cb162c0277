#!/usr/bin/env bash
# Cold first queries after ingest, over CYCLES (5) cycles of fresh processes of every target in TARGETS
# ("victoria metricstream"): per cycle each target starts fresh (fresh data dir; ./metricstream up,
# VictoriaMetrics), all at the same time; each gets the peers data set by remote write, one after the other
# (VictoriaMetrics then /internal/force_flush), then a wait until every sample is visible in each (query.sh's
# count_over_time probe, unless PROBE=0: then a wait on the ingestion's acks only, and SETTLE covers the rest),
# SETTLE (30) s, then the FIRST run of each of query.sh's five queries, in order, once per target, the targets
# alternating (in TARGETS' order or its reverse, by cycle and query), VictoriaMetrics with nocache=1. Prints per
# target and query the median and range of the cold runs over the cycles and, with two targets or more,
# MetricStream's ratio to each peer (of the medians, and the median of the per-cycle ratios); writes them to OUT
# (markdown). Per run also the server's CPU ms (schedstat of its threads) and minor/major page faults
# (/proc/PID/stat) during the query. JFR_DIR=/tmp/x records a JFR profile of MetricStream per cycle
# (settings=profile; jdk.Deoptimization, jdk.Compilation, jdk.ExecutionSample ...). TARGETS=metricstream gives the
# former MetricStream-only run. Every wait is bounded.
#   MS_PORT_OFFSET=200 loadgen/bench/cold.sh          # CYCLES=5 SETTLE=30 PROBE=1 TARGETS="victoria metricstream"
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"

CYCLES=${CYCLES:-5}
SETTLE=${SETTLE:-30}
PROBE=${PROBE:-1}
TARGETS=${TARGETS:-"victoria metricstream"}
OUT=${OUT:-"$root/loadgen/bench/results/cold.md"}
mkdir -p "$(dirname "$OUT")"
work=$(mktemp -d /tmp/bench-cold.XXXXXX)
source "$(dirname "${BASH_SOURCE[0]}")/queries.sh"

trap 'stop_server; stop_all; rm -rf "$work"' EXIT # stop_server: one that failed to come up

stat_of() { # pid -> "cpu_us minflt majflt": CPU summed over the live threads' schedstat (ns; /proc/PID/stat counts
  # in 10 ms ticks, too coarse for one query)
  local cpu; cpu=$(cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s / 1000 }')
  awk -v cpu="${cpu:-0}" '{ printf "%s %d %d\n", cpu, $10, $12 }' "/proc/$1/stat" 2>/dev/null || echo "0 0 0"
}

: >"$work/runs" # lines "cycle query ms cpu_ms minflt majflt target"
for c in $(seq 1 "$CYCLES"); do
  for t in $TARGETS; do [ "$t" = metricstream ] && jfr_opts "cold-$c"; start_target "$t"; done
  for t in $TARGETS; do load_target "$t"; done
  for t in $TARGETS; do
    n="-"; if [ "$PROBE" = 1 ]; then n=$(wait_visible "${base[$t]}" "${extra[$t]}"); fi
    echo "cycle $c $t: $n samples visible" >&2
  done
  sleep "$SETTLE"
  echo "cycle $c: settled; $(uptime)" >&2
  i=1
  for spec in "${QUERIES[@]}"; do
    kind=${spec%%|*}; query=${spec#*|}
    # shellcheck disable=SC2086 # TARGETS is a list of words
    for t in $(in_order $((c + i)) $TARGETS); do
      read -r cpu0 min0 maj0 <<<"$(stat_of "${pid[$t]}")"
      at=$(date -u +%H:%M:%S.%3N) # to find the query's events in a JFR recording
      ms=$(q "${base[$t]}" "${extra[$t]}" "$kind" "$query")
      read -r cpu1 min1 maj1 <<<"$(stat_of "${pid[$t]}")"
      echo "$c $i $ms $(((cpu1 - cpu0) / 1000)).$(((cpu1 - cpu0) % 1000 / 100)) $((min1 - min0)) $((maj1 - maj0)) $t" \
        >>"$work/runs"
      echo "cycle $c $t q$i (at $at UTC): $ms ms, server CPU $(((cpu1 - cpu0) / 1000)) ms, minflt $((min1 - min0))," \
        "majflt $((maj1 - maj0))" >&2
    done
    i=$((i + 1))
  done
  stop_all
done

{
  echo "## Cold first queries after ingest (ms; $CYCLES fresh processes; SETTLE=${SETTLE} s; PROBE=${PROBE})"
  echo
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores by loadgen/bench/cold.sh; curl time_total on loopback;" \
    "targets up at once, fresh per cycle, the first runs alternating over them: $TARGETS" \
    "(VictoriaMetrics with nocache=1)."
  for t in $TARGETS; do
    echo
    [ "$(wc -w <<<"$TARGETS")" -gt 1 ] && { echo "### $t"; echo; }
    echo "| query | cold median (min-max) ms | server CPU median ms | minflt median | runs (ms) |"
    echo "| --- | --- | --- | --- | --- |"
    i=1
    for spec in "${QUERIES[@]}"; do
      read -r med lo hi <<<"$(awk -v i=$i -v t="$t" '$2 == i && $7 == t { print $3 }' "$work/runs" | stats)"
      read -r cpu _ _ <<<"$(awk -v i=$i -v t="$t" '$2 == i && $7 == t { print $4 }' "$work/runs" | stats)"
      read -r flt _ _ <<<"$(awk -v i=$i -v t="$t" '$2 == i && $7 == t { print $5 }' "$work/runs" | stats)"
      printf '| Q%d `%s` %s | %s (%s-%s) | %s | %s | %s |\n' "$i" "${spec#*|}" "${spec%%|*}" "$med" "$lo" "$hi" \
        "$cpu" "$flt" "$(awk -v i=$i -v t="$t" '$2 == i && $7 == t { printf "%s ", $3 }' "$work/runs")"
      i=$((i + 1))
    done
  done
  for p in $TARGETS; do
    [ "$p" = metricstream ] || ! grep -qw metricstream <<<"$TARGETS" && continue
    echo
    echo "MetricStream / $p (< 1: MetricStream faster): ratio of the cold medians; median (min-max) of the per-cycle"
    echo "ratios (MetricStream's first run over $p's in the same cycle)."
    echo
    echo "| query | MS/$p medians | MS/$p per cycle, median (min-max) | per cycle |"
    echo "| --- | --- | --- | --- |"
    i=1
    for spec in "${QUERIES[@]}"; do
      read -r m _ _ <<<"$(awk -v i=$i '$2 == i && $7 == "metricstream" { print $3 }' "$work/runs" | stats)"
      read -r pm _ _ <<<"$(awk -v i=$i -v t="$p" '$2 == i && $7 == t { print $3 }' "$work/runs" | stats)"
      ratios=$(awk -v i=$i -v t="$p" '$2 == i && $7 == t { peer[$1] = $3 }
        $2 == i && $7 == "metricstream" { ms[$1] = $3 }
        END { for (c in ms) if (peer[c] > 0) printf "%.2f\n", ms[c] / peer[c] }' "$work/runs" | sort -g)
      read -r rm rlo rhi <<<"$(stats <<<"$ratios")"
      printf '| Q%d | %s | %s (%s-%s) | %s |\n' "$i" \
        "$(awk -v a="$m" -v b="$pm" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else printf "-" }')" \
        "$rm" "$rlo" "$rhi" "$(tr '\n' ' ' <<<"$ratios")"
      i=$((i + 1))
    done
  done
} >"$OUT"
cat "$OUT"
