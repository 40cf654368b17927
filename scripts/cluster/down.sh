#!/usr/bin/env bash
# Stops the local control plane that scripts/cluster/up.sh started: every
# process by the pid it recorded, then removes the state dir
# (certs, kubeconfigs, logs, etcd data). Safe to run twice or with nothing up.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

if [[ ! -d "$STATE_DIR" ]]; then
  log "nothing to stop ($STATE_DIR does not exist)"
  exit 0
fi

# A process that exited but was not yet reaped (a zombie) counts as stopped.
alive() { local state; state=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $state != Z* ]]; }

# Signal all first and then wait, so the components shut down in parallel.
stopping=()
for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
  name=${COMPONENTS[i]}
  pidfile="$STATE_DIR/pids/$name.pid"
  [[ -f $pidfile ]] || continue
  pid=$(cat "$pidfile")
  # Only signal the pid if it still is our binary: after a reboot the number
  # may belong to some other process.
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
  if [[ $(basename "$exe") == "$name"* ]]; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    stopping+=("$name:$pid")
  fi
done
for entry in "${stopping[@]}"; do
  name=${entry%%:*} pid=${entry#*:}
  for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then
    log "$name did not stop within 10s, killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
done

rm -rf "$STATE_DIR"
log "stopped; removed $STATE_DIR"
