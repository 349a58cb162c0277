#!/usr/bin/env bash
# Queue side by side, one after the other on the same machine: queue-service's QueueBench (embedded queue over its
# binary protocol; 100 B and 1 KiB x 1 and 8 partitions; fsync policies every_batch, group_commit and os = no fsync,
# Kafka's default; consumer throughput; one-in-flight latency) and kafka-queue.sh (Kafka 4.3.1 single-node KRaft,
# ProducerPerformance / ConsumerPerformance / EndToEndLatency), both with RECORDS records per run.
#   loadgen/bench/queue.sh                  # RECORDS=2000000 POLICIES=every_batch,group_commit,os
#   RECORDS=500000 POLICIES=group_commit,os SKIP=kafka loadgen/bench/queue.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

RECORDS=${RECORDS:-2000000}
RECORDS_1K=${RECORDS_1K:-$RECORDS}
POLICIES=${POLICIES:-every_batch,group_commit,os}
SKIP=${SKIP:-}
OUT=${OUT:-"$root/loadgen/bench/results/queue.md"}
mkdir -p "$(dirname "$OUT")"
work=$(mktemp -d /tmp/bench-queue.XXXXXX)
trap 'rm -rf "$work"' EXIT

f="$root/queue-service/target/bench-test-classpath.txt"
if [ ! -f "$f" ]; then
  (cd "$root/queue-service" && mvn -o -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$f" >&2)
fi
cp="$root/queue-service/target/classes:$root/queue-service/target/test-classes:$(cat "$f")"

{
  echo "## Queue: QueueBench (MetricStream) and Kafka 4.3.1, $RECORDS records per run (1 KiB: $RECORDS_1K)"
  echo
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores by loadgen/bench/queue.sh; load before: $(uptime)"
  echo
  if [[ " $SKIP " != *" ms "* ]]; then
    echo "### MetricStream QueueBench (window 64 batches of 16 KiB, one connection)"
    echo; echo '```'
    "$JAVA_BIN" -Xmx2g -cp "$cp" io.metricstream.queue.bench.QueueBench "$RECORDS" "$RECORDS_1K" 64 16384 "$POLICIES" \
      2>"$work/qb.err" | grep -v -E '^[0-9:.]+ \[main\] (DEBUG|INFO)|^\s+at |^java\.lang\.' | tee /dev/stderr
    echo '```'
  fi
  if [[ " $SKIP " != *" kafka "* ]]; then
    echo; echo "### Kafka 4.3.1 (kafka-queue.sh $RECORDS: acks=1, linger.ms=5, batch.size=16384, no fsync)"
    echo; echo '```'
    "$bench_dir/kafka-queue.sh" "$RECORDS" | tee /dev/stderr
    echo '```'
  fi
} >"$OUT"
