#!/usr/bin/env bash
# Stops or starts single components of the cluster that kit/lab/cluster/up.sh started in
# $STATE_DIR, by the pids it recorded and with the command lines it used (components.sh):
# what the fault suite (kit/lab/e2e/faults.test.ts) breaks and repairs.
#   component.sh stop NAME...    SIGTERM, then SIGKILL after 10 s; returns once each has exited
#   component.sh start NAME...   starts each one that is not running, and waits until it is healthy
#   component.sh running NAME    exits 0 if NAME runs, 1 if not
#   component.sh stop-node NODE  a node lost (up.sh --nodes N; nodes 2..N): every process of the
#                                node killed with SIGKILL (kubelet, containerd, kube-proxy, the
#                                enforcer, the containers), then its network link taken down
#   component.sh start-node NODE the node back: link up, its components started as up.sh did
# NAME is one of the components recorded in $STATE_DIR/pids/order; NODE a node's name.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/components.sh"

usage="usage: component.sh stop|start|running NAME... | stop-node|start-node NODE"
action=${1:-}
case $action in
  stop | start | running | stop-node | start-node) shift ;;
  *) echo "component.sh: unknown action '$action'; $usage" >&2; exit 2 ;;
esac
(($# > 0)) || { echo "component.sh: no component named; $usage" >&2; exit 2; }
if [[ ! -f $STATE_DIR/pids/order ]]; then
  echo "component.sh: no cluster in $STATE_DIR (no pids/order); start one with npm run cluster:up" >&2
  exit 1
fi
if [[ $action == *-node ]]; then
  (($# == 1)) || { echo "component.sh: $action takes one node's name (got $#); $usage" >&2; exit 2; }
  index=$(node_index "$1")
  if ((index == 1)); then
    echo "component.sh: $action: '$1' is node 1, this machine, where the control plane runs; only nodes 2..N of up.sh --real-node --nodes N can be stopped and started (this cluster has $NODE_COUNT)" >&2
    exit 2
  fi
  "${action/-/_}" "$index"
  exit 0
fi
for name in "$@"; do
  if ! grep -qxF "$name" "$STATE_DIR/pids/order"; then
    echo "component.sh: '$name' is not a component of the cluster in $STATE_DIR;" \
      "its components: $(tr '\n' ' ' <"$STATE_DIR/pids/order")" >&2
    exit 2
  fi
done
case $action in
  stop) stop_components "$@" ;;
  running) running "$1" ;;
  start)
    for name in "$@"; do
      if running "$name"; then
        log "$name runs already"
        continue
      fi
      log "starting $name"
      start_component "$name"
    done
    ;;
esac
