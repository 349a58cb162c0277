# PEERS.md's five queries over the peers data set's day, and the query that counts its visible samples: shared by
# query.sh (side by side, cold + warm) and cold.sh (first runs over fresh processes). Sourced, not run.
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
