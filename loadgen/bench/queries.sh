# PEERS.md's five queries over the peers data set's day, the query that counts its visible samples, the client side
# (`q`, one query by curl; `count_all`, the visibility probe; `wait_visible`, `stats`, `in_order`) and the targets
# (`start_target`, `load_target`, `stop_target`, `stop_all`) shared by query.sh (side by side, cold + warm) and
# cold.sh (first runs over fresh processes). Sourced after peers.sh, not run; the sourcing script sets `work` (a
# scratch directory) and TARGETS.
# shellcheck shell=bash disable=SC2034 # read by the scripts that source it
START=1704067200; END=$((START + 86400)); STEP=60
QUERIES=(
  'range|sum by (region)(rate(http_requests_total[5m]))'
  'range|avg_over_time(node_cpu_utilization_percent{host=~"h1.*"}[10m])'
  'range|max by (job)(node_load1)'
  'range|rate(http_requests_total[5m]) + rate(node_network_receive_bytes_total[5m])'
  'instant|sum by (region)(max_over_time(node_cpu_utilization_percent[1d]))'
)
# samples visible: one scalar per metric (count_over_time drops __name__, so one selector over all ten metrics
# would give duplicate label sets, which Prometheus and MetricStream reject)
COUNT_Q=$(for m in node_cpu_utilization_percent node_memory_used_percent node_load1 node_filesystem_used_percent \
  node_temperature_celsius http_requests_total http_request_errors_total node_network_receive_bytes_total \
  node_network_transmit_bytes_total node_disk_written_bytes_total; do printf 'scalar(sum(count_over_time(%s[2d]))) + ' "$m"; done; echo 0)
ALL_SAMPLES=5760000

q() { # base extra kind query -> prints curl's time_total in ms, saves the body to $work/body; extra: more curl
  # arguments, e.g. "-d nocache=1" (unquoted on purpose: a list of words)
  local base="$1" extra="$2" kind="$3" query="$4" t
  # shellcheck disable=SC2086
  if [ "$kind" = range ]; then
    t=$(curl -sS -m 60 -o "$work/body" -w '%{time_total}' -G "$base/api/v1/query_range" \
      --data-urlencode "query=$query" -d start=$START -d end=$END -d step=$STEP $extra)
  else
    t=$(curl -sS -m 60 -o "$work/body" -w '%{time_total}' -G "$base/api/v1/query" --data-urlencode "query=$query" \
      -d time=$END $extra)
  fi
  awk -v t="$t" 'BEGIN { printf "%.2f\n", t * 1000 }'
}

count_all() { # base extra -> samples visible through the query API
  q "$1" "$2" instant "$COUNT_Q" >/dev/null
  python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); r=d["data"]["result"]
print(int(float(r[1])) if d["data"]["resultType"] == "scalar" else int(float(r[0]["value"][1])) if r else 0)' "$work/body" 2>/dev/null || echo 0
}

wait_visible() { # base extra -> prints the samples visible once all of them are, or after 3 min
  local n=0
  for _ in $(seq 1 180); do
    n=$(count_all "$1" "$2"); [ "$n" -ge "$ALL_SAMPLES" ] && break; sleep 1
  done
  echo "$n"
}

stats() { # "median min max" of stdin (one number a line)
  sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "- - -"; exit }
    m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f %.2f %.2f\n", m, a[1], a[NR] }'
}

in_order() { # k targets... -> the targets in order for even k, reversed for odd k (A B, B A, ...: the drift
  # between two runs of one round hits every target alike over two rounds)
  local k="$1" t out=(); shift
  for t in "$@"; do if [ $((k % 2)) = 0 ]; then out+=("$t"); else out=("$t" "${out[@]}"); fi; done
  echo "${out[@]}"
}

# The targets, several up at once: start_target T starts T (prometheus on blocks backfilled from the data set,
# victoria, metricstream) and records its PID, data dir, query base URL, ingestion URL and extra curl arguments
# (VictoriaMetrics' nocache=1); load_target T loads the peers data set into it by remote write; stop_target T,
# stop_all (every target of TARGETS) stop them.
declare -A pid dir base extra ingest
start_target() { # t
  local t="$1" port
  extra[$t]=""
  case "$t" in
    prometheus)
      SERVER_DIR=$(mktemp -d /tmp/bench-prom.XXXXXX)
      python3 "$gen_py" --format openmetrics --out "$work/peers.om"
      promtool tsdb create-blocks-from openmetrics "$work/peers.om" "$SERVER_DIR/data" >"$work/promtool.txt" 2>&1
      rm -f "$work/peers.om"
      port=$(free_port)
      printf 'global:\n  scrape_interval: 1h\n' >"$SERVER_DIR/prometheus.yml"
      prometheus --config.file="$SERVER_DIR/prometheus.yml" --storage.tsdb.path="$SERVER_DIR/data" \
        --web.listen-address="127.0.0.1:$port" --storage.tsdb.retention.time=100y >"$SERVER_DIR/log" 2>&1 &
      SERVER_PID=$!; SERVER_URL="http://127.0.0.1:$port"; base[$t]=$SERVER_URL
      wait_http "$SERVER_URL/-/ready" 120
      ;;
    victoria)
      start_victoria; base[$t]=$SERVER_URL; extra[$t]="-d nocache=1"
      ;;
    metricstream)
      start_metricstream; base[$t]="http://127.0.0.1:$((9090 + ${MS_PORT_OFFSET:-0}))"
      ;;
    *) echo "bench: unknown target $t" >&2; exit 2 ;;
  esac
  pid[$t]=$SERVER_PID; dir[$t]=$SERVER_DIR; ingest[$t]=$SERVER_URL
}

load_target() { # t (Prometheus: backfilled at its start)
  local t="$1"
  case "$t" in
    victoria|metricstream)
      loadgen --dataset peers --format remote-write --target "${ingest[$t]}/api/v1/write" --batch 5000 \
        --connections 2 --duration 10m --preencode 4000 >"$work/load-$t.txt" 2>&1
      ;;
  esac
  if [ "$t" = victoria ]; then curl -fsS "${ingest[$t]}/internal/force_flush" >/dev/null; sleep 5; fi
}

stop_target() { # t
  SERVER_PID=${pid[$1]:-}; SERVER_DIR=${dir[$1]:-}; stop_server; pid[$1]=""; dir[$1]=""
}
stop_all() { local t; for t in $TARGETS; do stop_target "$t"; done; }
