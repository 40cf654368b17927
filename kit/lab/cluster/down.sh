#!/usr/bin/env bash
# Stops the local cluster that kit/lab/cluster/up.sh started: every process by the pid it
# recorded, in reverse start order. For a real node it then removes what the node made on
# the host: the containers and their shims, the pods' network namespaces, mounts and
# cgroups, the bridge, the iptables chains (kube-proxy's, the kubelet's, the NetworkPolicy
# enforcer's), the enforcer's nftables table and the changed sysctl; it ends by checking that
# nothing of it is left (kit/lab/cluster/leftovers.sh) and fails if something is. Last it
# removes the state dir (certs, kubeconfigs, logs, etcd data, the node's files).
# Safe to run twice or with nothing up.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/components.sh"

force=0
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    *) echo "down.sh: unknown argument '$arg'; usage: down.sh [--force]" >&2; exit 2 ;;
  esac
done
if [[ ! -d "$STATE_DIR" ]]; then
  log "nothing to stop ($STATE_DIR does not exist)"
  exit 0
fi
# The state dir is per machine, not per checkout: never stop another checkout's cluster
# by accident.
owner=$(cluster_owner)
if [[ $owner != "$SANDBOX_ROOT" ]] && ((!force)); then
  echo "down.sh: the cluster in $STATE_DIR was started by the checkout $owner, not this one ($SANDBOX_ROOT)." >&2
  echo "Stop it there (cd $owner && npm run cluster:down), or from here with npm run cluster:down -- --force." >&2
  exit 1
fi
log "stopping the cluster in $STATE_DIR, started by the checkout $owner"
mode=$(cat "$STATE_DIR/node-mode" 2>/dev/null || echo kwok)

# The real nodes' containers first. A node's kubelet goes before them, or it would start new
# pod sandboxes for the ones removed here; containerd stays, so that each task is killed and
# deleted through it and its shim exits.
if [[ $mode == real ]]; then
  for ((i = 1; i <= NODE_COUNT; i++)); do
    use_node "$i"
    # What leftovers.sh checks of each node: its network namespace (none for node 1) and the
    # processes that name its containerd's socket.
    echo "node $NODE_NAME ${NODE_NETNS:--} $CONTAINERD_SOCKET" >>"$STATE_DIR/node/host-paths"
    [[ -S $CONTAINERD_SOCKET ]] || continue
    stop_components "kubelet$NODE_SUFFIX"
    ctr=(ctr --address "$CONTAINERD_SOCKET" -n k8s.io)
    # What containerd made on the host for them, to remove and then check below: each pod
    # sandbox's network namespace, and the socket of its shim, named by a hash of containerd's
    # address, the namespace and the sandbox's id.
    for id in $("${ctr[@]}" containers ls -q 2>/dev/null); do
      echo "container $id"
      "${ctr[@]}" containers info "$id" 2>/dev/null | sed -n 's#.*"path": "\(/var/run/netns/[^"]*\)".*#netns \1#p'
      echo "shim-socket /run/containerd/s/$(printf '%s' "$CONTAINERD_SOCKET/k8s.io/$id" | sha256sum | cut -c1-64)"
    done >>"$STATE_DIR/node/host-paths"
    tasks=$("${ctr[@]}" tasks ls -q 2>/dev/null || true)
    if [[ -n $tasks ]]; then
      log "removing $(wc -w <<<"$tasks") containers of node $NODE_NAME"
      for task in $tasks; do
        timeout 20 "${ctr[@]}" tasks delete --force "$task" >/dev/null 2>&1 || true
      done
    fi
  done
  use_node 1
fi

if [[ -f $STATE_DIR/pids/order ]]; then
  mapfile -t order < <(tac "$STATE_DIR/pids/order")
  stop_components "${order[@]}"
fi

if [[ $mode == real ]]; then
  node="$STATE_DIR/node"
  log "removing $( ((NODE_COUNT == 1)) && echo "node $NODE_NAME" || echo "$NODE_COUNT nodes") from the host"
  # Each step does what it can and goes on; leftovers.sh below is what judges the result.
  set +e
  # Whatever still runs in the nodes' cgroups or shims (after a crash of containerd,
  # say) is killed; up to 10 tries, as a dying process may leave a child behind.
  sockets=$(awk '$1 == "node" { print $4 }' "$node/host-paths" 2>/dev/null)
  for _ in $(seq 10); do
    pids=$( (find /sys/fs/cgroup/*/"${CGROUP_ROOT#/}" -name cgroup.procs -exec cat {} + 2>/dev/null
      for socket in $sockets; do pgrep -f -- "-address $socket"; done) | sort -u)
    [[ -n $pids ]] || break
    kill -KILL $pids 2>/dev/null
    sleep 0.2
  done
  # The pods' network namespaces, as containerd recorded them (/var/run is /run); deleting
  # one deletes its veth pair. Then the shims' sockets.
  awk '$1 == "netns" { print $2 }' "$node/host-paths" 2>/dev/null | while read -r ns; do
    ip netns delete "$(basename "$ns")" 2>/dev/null || { umount -l "$ns" 2>/dev/null; rm -f "$ns"; }
  done
  awk '$1 == "shim-socket" { print $2 }' "$node/host-paths" 2>/dev/null | xargs -r rm -f
  # The routes of the Service and pod ranges to the bridge (node.sh) go first, then the bridge.
  ip route delete "$SERVICE_CIDR" dev "$NODE_BRIDGE" 2>/dev/null
  ip route delete "$CLUSTER_CIDR" dev "$NODE_BRIDGE" 2>/dev/null
  ip link delete "$NODE_BRIDGE" 2>/dev/null
  # Nodes 2..N: their network namespace holds their pod bridge, address, routes, iptables
  # (kube-proxy's, the enforcer's) and the node end of their veth, and goes with all of them;
  # the node network's bridge takes this machine's routes to their pods along.
  awk '$1 == "node" && $3 != "-" { print $3 }' "$node/host-paths" 2>/dev/null | while read -r ns; do
    ip netns delete "$ns" 2>/dev/null
  done
  ip link delete "$NODE_NETWORK_BRIDGE" 2>/dev/null
  # kube-proxy's own cleanup removes its chains (iptables, both families); the kubelet's
  # canary chains, the NetworkPolicy enforcer's chain and this cluster's rules (FORWARD, and
  # the jumps to the enforcer's chain) go by name and comment, whatever the enforcer did.
  "$BIN_DIR/kube-proxy" --cleanup >/dev/null 2>&1
  for family in iptables ip6tables; do
    for table in filter mangle nat; do
      while "$family" -w -t "$table" -S 2>/dev/null | grep -q -- "--comment $IPTABLES_TAG"; do
        rule=$("$family" -w -t "$table" -S | grep -m1 -- "--comment $IPTABLES_TAG")
        eval "$family -w -t $table ${rule/-A /-D }"
      done
    done
    for table in mangle nat filter; do
      for chain in KUBE-KUBELET-CANARY KUBE-IPTABLES-HINT KUBE-FIREWALL "$NETPOL_CHAIN"; do
        "$family" -w -t "$table" -S "$chain" >/dev/null 2>&1 || continue
        # The rules that jump to it (INPUT and OUTPUT to KUBE-FIREWALL) go first.
        "$family" -w -t "$table" -S | grep -- "-j $chain\$" | while read -r rule; do
          eval "$family -w -t $table ${rule/-A /-D }"
        done
        "$family" -w -t "$table" -F "$chain"
        "$family" -w -t "$table" -X "$chain"
      done
    done
  done
  # The table the enforcer's engine would make with nftables (it cannot on a kernel without
  # nft queue, but on another it may): removed here whether or not its own cleanup ran.
  nft delete table inet "$NETPOL_NFT_TABLE" 2>/dev/null
  if [[ -f $node/host-settings ]]; then
    # shellcheck disable=SC1091 # written by node.sh: route_localnet=<value>
    source "$node/host-settings"
    # shellcheck disable=SC2154 # set by the file just sourced
    echo "$route_localnet" >/proc/sys/net/ipv4/conf/all/route_localnet
  fi
  # Mounts under the state dir (container root filesystems, /dev/shm of the sandboxes,
  # the kubelet's volume tmpfs), deepest first.
  mapfile -t mounts < <(awk -v dir="$STATE_DIR/" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  for mount in "${mounts[@]}"; do
    umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null
  done
  for hierarchy in /sys/fs/cgroup/*/; do
    [[ -d $hierarchy${CGROUP_ROOT#/} ]] && find "$hierarchy${CGROUP_ROOT#/}" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  # What CNI and containerd keep outside the state dir: the results CNI caches, named
  # <network>-<container id>-<interface>, and the shims' socket folder.
  rm -f /var/lib/cni/results/k8s-sandbox-*
  awk '$1 == "container" { print $2 }' "$node/host-paths" 2>/dev/null | while read -r id; do
    rm -f /var/lib/cni/results/*-"$id"-*
  done
  rmdir /var/lib/cni/results /var/lib/cni /run/netns /run/containerd/s /run/containerd 2>/dev/null
  set -e
fi

# What the node made outside the state dir, and the network namespaces that were there before
# it started, outlive the state dir for the check below.
record=$(mktemp)
trap 'rm -f "$record"' EXIT
cat "$STATE_DIR/node/host-paths" "$STATE_DIR/node/netns-before" >"$record" 2>/dev/null || true
rm -rf "$STATE_DIR"
log "stopped; removed $STATE_DIR"
if [[ $mode == real ]]; then
  "$CLUSTER_DIR/leftovers.sh" "$STATE_DIR" "$record"
fi
