#!/usr/bin/env bash
# Shared helpers of the bench scripts: sourced, not run.
#   loadgen ARGS...     runs the load generator (built on first use; logs kept off stdout)
#   wait_http URL SECS  waits until URL answers 2xx
#   free_port           prints a free loopback port
set -euo pipefail
bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench_dir/../.." && pwd)"
gen_py="$(cd "$root/.." && pwd)/shared/peers/gen.py"

find_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then echo "$JAVA_HOME/bin/java"; return; fi
  for d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if [ -x "$d/bin/java" ] && "$d/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
      echo "$d/bin/java"; return
    fi
  done
  echo "bench: no JDK >= 21 found" >&2; exit 3
}

loadgen_cp() {
  local cpfile="$root/loadgen/target/bench-classpath.txt"
  if [ ! -f "$root/loadgen/target/classes/io/metricstream/loadgen/LoadgenCli.class" ] || [ ! -f "$cpfile" ]; then
    # built in the reactor (never installed): the classpath names this checkout's module jars, not ~/.m2 copies
    (cd "$root" && mvn -o -B -q -pl loadgen -am package dependency:build-classpath -DskipTests \
      -Dcheckstyle.skip -Dforbiddenapis.skip -Denforcer.skip -Dmdep.outputFile=target/bench-classpath.txt >&2)
  fi
  echo "$root/loadgen/target/classes:$(cat "$cpfile")"
}

JAVA_BIN="$(find_java)"
LOADGEN_CP="$(loadgen_cp)"

loadgen() {
  "$JAVA_BIN" ${LOADGEN_JAVA_OPTS:--Xmx4g} -cp "$LOADGEN_CP" io.metricstream.loadgen.LoadgenCli "$@"
}

wait_http() { # URL SECONDS
  local url="$1" deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo "bench: $url did not come up in $2 s" >&2; return 1; fi
    sleep 0.2
  done
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
