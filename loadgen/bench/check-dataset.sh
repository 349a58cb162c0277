#!/usr/bin/env bash
# Checks that `loadgen dataset` reproduces shared/peers/gen.py exactly: same series, timestamps and values, byte
# for byte, in every text format (the whole default data set: 5,760,000 lines each; ~2 minutes).
#   loadgen/bench/check-dataset.sh [gen.py args, e.g. --hours 2 --hosts 10]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
status=0
for fmt in lp prom jsonl; do
  want=$(python3 "$gen_py" --format "$fmt" "$@" | sha256sum | cut -d' ' -f1)
  got=$(loadgen dataset --format "$fmt" "$@" | sha256sum | cut -d' ' -f1)
  lines=$(loadgen dataset --format "$fmt" "$@" | wc -l)
  if [ "$want" = "$got" ]; then
    echo "OK    $fmt: $lines lines, sha256 $got"
  else
    echo "DIFF  $fmt: gen.py $want, loadgen $got"
    diff <(python3 "$gen_py" --format "$fmt" "$@") <(loadgen dataset --format "$fmt" "$@") | head -5
    status=1
  fi
done
for p in ns s; do
  if cmp -s <(python3 "$gen_py" --format lp --precision "$p" --hours 1 "$@") \
            <(loadgen dataset --format lp --precision "$p" --hours 1 "$@"); then
    echo "OK    lp --precision $p (1 h)"
  else
    echo "DIFF  lp --precision $p"; status=1
  fi
done
exit $status
