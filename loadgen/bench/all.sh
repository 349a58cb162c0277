#!/usr/bin/env bash
# Every side-by-side benchmark, one after the other (never two at once on a 2-core machine), in BENCHMARKS.md's
# order; each writes loadgen/bench/results/<name>.md. Knobs are passed through (REPEAT, RECORDS, TRIALS, ...).
#   loadgen/bench/all.sh                # ingest tiny storage query queue alert
#   loadgen/bench/all.sh storage query  # a subset
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for b in "${@:-ingest tiny storage query queue alert}"; do
  for name in $b; do
    echo "== $name ($(date -u +%H:%M:%SZ); $(uptime))" >&2
    "$dir/$name.sh" || echo "bench: $name failed (exit $?)" >&2
  done
done
