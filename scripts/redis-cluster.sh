#!/usr/bin/env bash
# A Redis Cluster of 3 masters on 127.0.0.1 for CI and local runs (no persistence, no replicas).
#
#   scripts/redis-cluster.sh start    start what is not running, create the cluster if needed, wait for
#                                     cluster_state:ok, print REDIS_CLUSTER_NODES=…  (safe to run again)
#   scripts/redis-cluster.sh stop     shut every node down and remove its directory (safe to run again)
#   scripts/redis-cluster.sh status   exit 0 when every node reports cluster_state:ok
#
# Ports: REDIS_CLUSTER_PORTS (default "7101 7102 7103"; each also uses port+10000 for the cluster bus).
# Data: REDIS_CLUSTER_DIR (default ${TMPDIR:-/tmp}/wxopen-redis-cluster), one directory per node.
set -euo pipefail

read -r -a ports <<<"${REDIS_CLUSTER_PORTS:-7101 7102 7103}"
dir="${REDIS_CLUSTER_DIR:-${TMPDIR:-/tmp}/wxopen-redis-cluster}"
host=127.0.0.1

cli() { local port=$1; shift; redis-cli -h "$host" -p "$port" "$@"; }
answers() { [ "$(cli "$1" ping 2>/dev/null)" = "PONG" ]; }
node_ok() { cli "$1" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; }
all_ok() { for port in "${ports[@]}"; do node_ok "$port" || return 1; done; }
node_list() { local IFS=,; local list=("${ports[@]/#/$host:}"); echo "${list[*]}"; }

# Polls `$@` every 0.2 s for up to $1 seconds.
wait_for() {
  local seconds=$1; shift
  for _ in $(seq 1 $((seconds * 5))); do "$@" && return 0; sleep 0.2; done
  return 1
}

start_node() {
  local port=$1
  mkdir -p "$dir/$port"
  redis-server --port "$port" --bind "$host" --dir "$dir/$port" --daemonize yes \
    --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log" \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
    --save "" --appendonly no
  if ! wait_for 10 answers "$port"; then
    echo "redis-cluster: the node on port $port did not start; its log:" >&2
    cat "$dir/$port/redis.log" >&2 || true
    exit 1
  fi
}

# The cluster is formed when every node knows every node and sees every slot assigned.
formed() {
  local port info
  for port in "${ports[@]}"; do
    info=$(cli "$port" cluster info 2>/dev/null) || return 1
    grep -q "^cluster_known_nodes:${#ports[@]}" <<<"$info" && grep -q '^cluster_slots_assigned:16384' <<<"$info" || return 1
  done
}

start() {
  if all_ok; then
    echo "redis-cluster: already running"
  else
    for port in "${ports[@]}"; do answers "$port" || start_node "$port"; done
    if ! formed; then
      # Half-made (a node restarted without its nodes.conf, an interrupted create): start over. These nodes
      # are this script's own, never a shared Redis.
      for port in "${ports[@]}"; do
        cli "$port" flushall >/dev/null
        cli "$port" cluster reset hard >/dev/null
      done
      redis-cli --cluster create "${ports[@]/#/$host:}" --cluster-replicas 0 --cluster-yes >/dev/null
    fi
    if ! wait_for 30 all_ok; then
      echo "redis-cluster: no cluster_state:ok on every node after 30 s" >&2
      for port in "${ports[@]}"; do echo "--- $port" >&2; cli "$port" cluster info >&2 || true; done
      exit 1
    fi
  fi
  echo "REDIS_CLUSTER_NODES=$(node_list)"
}

stop() {
  for port in "${ports[@]}"; do
    if answers "$port"; then
      cli "$port" shutdown nosave >/dev/null 2>&1 || true
      wait_for 10 bash -c "! redis-cli -h $host -p $port ping >/dev/null 2>&1" || echo "redis-cluster: port $port still answers" >&2
    fi
    rm -rf "${dir:?}/$port"
  done
  rmdir "$dir" 2>/dev/null || true
  echo "redis-cluster: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if all_ok; then echo "redis-cluster: ok ($(node_list))"; else echo "redis-cluster: not ok"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
