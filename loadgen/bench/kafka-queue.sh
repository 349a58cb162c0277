#!/usr/bin/env bash
# Kafka 4.3.1 side of the queue benchmark (compare with queue-service's QueueBench on the same machine):
# downloads org.apache.kafka:kafka_2.13:4.3.1 + kafka-tools with Maven into /tmp, starts a single-node KRaft
# broker+controller on 127.0.0.1 (1 GiB heap, G1, default flush = no fsync per write), and runs
# ProducerPerformance / ConsumerPerformance (separate 512 MiB JVMs) with N records (default 2,000,000) at
# 100 B and 1 KiB x 1 and 8 partitions. Prints each tool's summary line. Usage: kafka-queue.sh [records]
set -euo pipefail
RECORDS="${1:-2000000}"
VERSION=4.3.1
WORK="${KAFKA_BENCH_DIR:-/tmp/metricstream-kafka-bench}"
JAVA_BIN="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
mkdir -p "$WORK"

if [ ! -f "$WORK/libs/kafka_2.13-$VERSION.jar" ]; then
  cat > "$WORK/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>kafka-bench</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$VERSION</version></dependency>
  </dependencies>
</project>
POM
  (cd "$WORK" && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$WORK/libs" -DincludeScope=runtime \
    >"$WORK/mvn.log" 2>&1)
fi
CP="$WORK/libs/*"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
CPORT=$(free_port)
DATA="$WORK/data-$$"
rm -rf "$DATA"; mkdir -p "$DATA"
cat > "$WORK/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=876000
PROPS
cat > "$WORK/log4j2.properties" <<L4J
status = error
appender.stderr.type = Console
appender.stderr.name = STDERR
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = %d %p %c: %m%n
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = STDERR
L4J
LOG_OPTS="-Dlog4j2.configurationFile=$WORK/log4j2.properties"

CLUSTER_ID=$("$JAVA_BIN" $LOG_OPTS -cp "$CP" kafka.tools.StorageTool random-uuid 2>>"$WORK/tools.log")
"$JAVA_BIN" $LOG_OPTS -cp "$CP" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$WORK/server.properties" \
  >/dev/null 2>>"$WORK/tools.log"
"$JAVA_BIN" -Xms1g -Xmx1g -XX:+UseG1GC $LOG_OPTS -cp "$CP" kafka.Kafka "$WORK/server.properties" \
  > "$WORK/broker.log" 2>&1 &
BROKER=$!
trap 'kill $BROKER 2>/dev/null || true; wait $BROKER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 60); do
  if (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null; then break; fi
  sleep 1
done
tool() { "$JAVA_BIN" -Xmx512m $LOG_OPTS -cp "$CP" "$@" 2>>"$WORK/tools.log"; }

echo "kafka $VERSION single-node KRaft on 127.0.0.1:$PORT, records=$RECORDS"
for SIZE in 100 1024; do
  for P in 1 8; do
    TOPIC="bench-$SIZE-$P"
    tool org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$PORT" --create --topic "$TOPIC" \
      --partitions "$P" --replication-factor 1 >/dev/null
    echo "== produce size=$SIZE partitions=$P"
    tool org.apache.kafka.tools.ProducerPerformance --topic "$TOPIC" --num-records "$RECORDS" \
      --record-size "$SIZE" --throughput -1 --producer-props "bootstrap.servers=127.0.0.1:$PORT" acks=1 \
      linger.ms=5 batch.size=16384 | tail -1
    echo "== consume size=$SIZE partitions=$P"
    tool org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "127.0.0.1:$PORT" --topic "$TOPIC" \
      --messages "$RECORDS" --timeout 120000 | tail -2
  done
done
echo "== one-in-flight latency (EndToEndLatency, 10000 x 100 B, acks=1)"
tool org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$PORT" --create --topic bench-e2e \
  --partitions 1 --replication-factor 1 >/dev/null
tool org.apache.kafka.tools.EndToEndLatency "127.0.0.1:$PORT" bench-e2e 10000 1 100 | tail -3
