#!/usr/bin/env bash
# Tiny requests side by side: one sample per POST, wrk -t2 -c50 -d20s --latency, keep-alive, the same body every
# request (one series, one sample), into a fresh VictoriaMetrics and a fresh MetricStream, in remote write
# (protobuf + snappy, built here by hand: literal-only snappy) and Influx line protocol (ms precision).
# Reports req/s, p50, p99 (wrk's latency distribution) and writes the table to OUT (markdown).
#   loadgen/bench/tiny.sh                 # DURATION=20s WARMUP=30s (unmeasured, every target) CONNS=50 THREADS=2
#   TARGETS="victoria-rw metricstream-rw" DURATION=10s loadgen/bench/tiny.sh
#   JFR_DIR=/tmp/jfr TARGETS=metricstream-rw loadgen/bench/tiny.sh   # + a JFR profile per MetricStream run
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"

DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-30s} # an unmeasured wrk run first, same for every target (JIT warm-up of a JVM; 0 = none)
CONNS=${CONNS:-50}
THREADS=${THREADS:-2}
TARGETS=${TARGETS:-"victoria-rw victoria-lp metricstream-rw metricstream-lp"}
OUT=${OUT:-"$root/loadgen/bench/results/tiny.md"}
mkdir -p "$(dirname "$OUT")"
work=$(mktemp -d /tmp/bench-tiny.XXXXXX)
trap 'stop_server; rm -rf "$work"' EXIT

ts_ms=$(( $(date +%s) * 1000 ))
# Remote write WriteRequest{timeseries:[{labels:[__name__=tiny_gauge, host=h1], samples:[{value 1.5, ts}]}]}.
python3 - "$ts_ms" "$work/one.rw" <<'PY'
import struct, sys
ts, out = int(sys.argv[1]), sys.argv[2]
def varint(n):
    b = bytearray()
    while True:
        x = n & 0x7f; n >>= 7
        b.append(x | (0x80 if n else 0))
        if not n: return bytes(b)
def field(num, payload): return varint(num << 3 | 2) + varint(len(payload)) + payload
def label(k, v): return field(1, k.encode()) + field(2, v.encode())
sample = bytes([0x09]) + struct.pack('<d', 1.5) + bytes([0x10]) + varint(ts)
series = field(1, label('__name__', 'tiny_gauge')) + field(1, label('host', 'h1')) + field(2, sample)
msg = field(1, series)
assert len(msg) <= 60
snappy = varint(len(msg)) + bytes([(len(msg) - 1) << 2]) + msg  # one literal element
open(out, 'wb').write(snappy)
PY
printf 'tiny_gauge,host=h1 value=1.5 %s\n' "$ts_ms" >"$work/one.lp"

lua() { # body-file content-type [extra header lines]
  python3 - "$1" "$2" "$3" <<'PY'
import sys
body = open(sys.argv[1], 'rb').read()
esc = ''.join('\\%d' % b for b in body)
print('wrk.method = "POST"')
print('wrk.body = "%s"' % esc)
print('wrk.headers["Content-Type"] = "%s"' % sys.argv[2])
for h in filter(None, sys.argv[3].split(';')):
    k, v = h.split(':', 1)
    print('wrk.headers["%s"] = "%s"' % (k.strip(), v.strip()))
PY
}
lua "$work/one.rw" application/x-protobuf \
  'Content-Encoding: snappy;X-Prometheus-Remote-Write-Version: 0.1.0' >"$work/rw.lua"
lua "$work/one.lp" text/plain '' >"$work/lp.lua"

target_spec() { # name -> "start_fn lua path"
  case "$1" in
    victoria-rw) echo "start_victoria rw /api/v1/write" ;;
    victoria-lp) echo "start_victoria lp /write?precision=ms" ;;
    metricstream-rw) echo "start_metricstream rw /api/v1/write" ;;
    metricstream-lp) echo "start_metricstream lp /write?precision=ms" ;;
    *) echo "bench: unknown target $1" >&2; exit 2 ;;
  esac
}

declare -A res
for t in $TARGETS; do
  read -r start kind path <<<"$(target_spec "$t")"
  jfr_opts "$t"
  if ! "$start"; then echo "bench: $t did not start; skipped" >&2; stop_server; continue; fi
  code=$(curl -s -o "$work/probe" -w '%{http_code}' -XPOST --data-binary @"$work/one.$kind" \
    -H "Content-Type: $([ "$kind" = rw ] && echo application/x-protobuf || echo text/plain)" \
    $([ "$kind" = rw ] && echo "-H Content-Encoding:snappy -H X-Prometheus-Remote-Write-Version:0.1.0") \
    "$SERVER_URL$path")
  echo "$t probe: HTTP $code $(head -c 200 "$work/probe")" >&2
  if [ "$WARMUP" != 0 ]; then
    wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$work/$kind.lua" "$SERVER_URL$path" >/dev/null 2>&1 || true
  fi
  before=$(cpu_seconds "$SERVER_PID")
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$work/$kind.lua" "$SERVER_URL$path" >"$work/$t.txt" 2>&1 || true
  after=$(cpu_seconds "$SERVER_PID")
  stop_server
  cat "$work/$t.txt" >&2
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/$t.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$work/$t.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$t.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/$t.txt")
  reqs=$(awk '/requests in/ {print $1}' "$work/$t.txt")
  cpu_us=$(awk -v a="$after" -v b="$before" -v n="${reqs:-0}" 'BEGIN { if (n > 0) printf "%.1f", (a - b) * 1e6 / n; else print "-" }')
  res[$t]="| $t | $(printf "%'.0f" "${rps%.*}") | $p50 | $p99 | ${non2xx:-0} | $cpu_us |"
done

{
  echo "## Tiny requests: one sample per POST (wrk -t$THREADS -c$CONNS -d$DURATION --latency, keep-alive)"
  echo
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores by loadgen/bench/tiny.sh; fresh server per target,"
  echo "warmed up by an unmeasured ${WARMUP} wrk run;"
  echo "wrk and the server share the 2 cores."
  echo
  echo "| target | req/s | p50 | p99 | non-2xx | server CPU µs/request |"
  echo "| --- | --- | --- | --- | --- | --- |"
  for t in $TARGETS; do echo "${res[$t]:-| $t | not run | | | | |}"; done
} >"$OUT"
cat "$OUT"
