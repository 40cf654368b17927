#!/usr/bin/env bash
# Stops or starts single components of the cluster that tools/cluster/up.sh started in
# $STATE_DIR, by the pids it recorded and with the command lines it used (components.sh):
# what the fault suite (tools/e2e/faults.test.ts) breaks and repairs.
#   component.sh stop NAME...    SIGTERM, then SIGKILL after 10 s; returns once each has exited
#   component.sh start NAME...   starts each one that is not running, and waits until it is healthy
#   component.sh running NAME    exits 0 if NAME runs, 1 if not
# NAME is one of the components recorded in $STATE_DIR/pids/order.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/components.sh"

usage="usage: component.sh stop|start|running NAME..."
action=${1:-}
case $action in
  stop | start | running) shift ;;
  *) echo "component.sh: unknown action '$action'; $usage" >&2; exit 2 ;;
esac
(($# > 0)) || { echo "component.sh: no component named; $usage" >&2; exit 2; }
if [[ ! -f $STATE_DIR/pids/order ]]; then
  echo "component.sh: no cluster in $STATE_DIR (no pids/order); start one with npm run cluster:up" >&2
  exit 1
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
