#!/usr/bin/env bash
# Lists what a real-node cluster (up.sh --real-node) left on this machine after down.sh:
# processes of its state dir or cgroups, mounts under its state dir, its cgroups, its bridge and
# veths, routes into the Service, pod and node ranges, iptables chains of kube-proxy, the
# kubelet, CNI or the NetworkPolicy enforcer, its tagged rules (FORWARD, the jumps to the
# enforcer), the enforcer's nftables table and ipsets named like it, pod network namespaces,
# and each node's network namespace, node network bridge and veth (several nodes, up.sh
# --nodes). RECORD, written by down.sh, names what containerd made outside the state dir (each
# container's id, which names its cached CNI results, and each sandbox's network namespace and
# shim socket) and the network namespaces that were there before the node started; any other
# one still there is the node's too.
# Exits 1, naming each, if anything is left; 0 with one line if nothing is.
# Usage: leftovers.sh STATE_DIR RECORD
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
state_dir=${1:?usage: leftovers.sh STATE_DIR RECORD}
record=${2:?usage: leftovers.sh STATE_DIR RECORD}

left=()
while read -r pid; do
  [[ -n $pid ]] && left+=("process $pid: $(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null | cut -c1-160)")
done < <( (pgrep -f -- "$state_dir/" | grep -vx "$$"; find /sys/fs/cgroup/*/"${CGROUP_ROOT#/}" -name cgroup.procs -exec cat {} + 2>/dev/null) | sort -u)
while read -r mount; do
  [[ -n $mount ]] && left+=("mount $mount")
done < <(awk -v dir="$state_dir/" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo)
for hierarchy in /sys/fs/cgroup/*/; do
  [[ -d $hierarchy${CGROUP_ROOT#/} ]] && left+=("cgroup $hierarchy${CGROUP_ROOT#/}")
done
ip link show "$NODE_BRIDGE" >/dev/null 2>&1 && left+=("interface $NODE_BRIDGE")
# Any route of this machine into the cluster's ranges (node.sh's, or one a node's start added).
for range in "$SERVICE_CIDR" "$CLUSTER_CIDR" "$NODE_NETWORK_PREFIX.0/24"; do
  while read -r route; do
    [[ -n $route ]] && left+=("route $route")
  done < <(ip -o route show root "$range" 2>/dev/null)
done
ip link show "$NODE_NETWORK_BRIDGE" >/dev/null 2>&1 && left+=("interface $NODE_NETWORK_BRIDGE (the node network)")
while read -r veth; do
  [[ -n $veth ]] && left+=("interface $veth (a node's end on this machine)")
done < <(ip -o link show 2>/dev/null | awk -F': ' '$2 ~ /^k8s-sandbox-v[0-9]+(@|$)/ { sub(/@.*/, "", $2); print $2 }') # NODE_LINK
# Each node's own traces: its network namespace (nodes 2..N) and any process naming its
# containerd's socket (containerd, its shims).
while read -r _ name ns socket; do
  [[ $ns != - && -e /run/netns/$ns ]] && left+=("network namespace $ns of node $name")
  while read -r pid; do
    [[ -n $pid ]] && left+=("process $pid of node $name: $(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null | cut -c1-160)")
  done < <(pgrep -f -- "-address $socket" | grep -vx "$$")
done < <(awk '$1 == "node"' "$record")
while read -r veth; do
  [[ -n $veth ]] && left+=("interface $veth (enslaved to $NODE_BRIDGE)")
done < <(ip -o link show master "$NODE_BRIDGE" 2>/dev/null | awk -F': ' '{ print $2 }')
before=$(awk '$1 == "netns-before" { print $2 }' "$record")
for ns in /run/netns/*; do
  [[ -e $ns ]] || continue
  grep -qxF "$ns" <<<"$before" || left+=("network namespace $ns")
done
while read -r kind value; do
  if [[ $kind == shim-socket ]]; then
    [[ -e $value ]] && left+=("shim socket $value")
  else
    for result in /var/lib/cni/results/*-"$value"-*; do
      [[ -e $result ]] && left+=("CNI result $result")
    done
  fi
done < <(awk '$1 == "shim-socket" || $1 == "container" { print }' "$record")
for family in iptables ip6tables; do
  while read -r chain; do
    [[ -n $chain ]] && left+=("$family chain $chain")
  done < <("$family-save" 2>/dev/null | awk -v netpol=":$NETPOL_CHAIN" '/^:(KUBE-|CNI-)/ || $1 == netpol { print substr($1, 2) }' | sort -u)
  "$family-save" 2>/dev/null | grep -q -- "--comment $IPTABLES_TAG" && left+=("$family rule tagged $IPTABLES_TAG")
done
if command -v nft >/dev/null && nft list table inet "$NETPOL_NFT_TABLE" >/dev/null 2>&1; then
  left+=("nftables table inet $NETPOL_NFT_TABLE")
fi
# kube-network-policies makes no ipset; an enforcer that does (kube-router) names its sets so.
if command -v ipset >/dev/null; then
  while read -r set; do
    [[ -n $set ]] && left+=("ipset $set")
  done < <(ipset list -n 2>/dev/null | grep -E '^(KUBE-|kube-router|k8s-sandbox)')
fi
for result in /var/lib/cni/results/k8s-sandbox-*; do
  [[ -e $result ]] && left+=("CNI result $result")
done
[[ -e $state_dir ]] && left+=("state dir $state_dir")

if ((${#left[@]})); then
  echo "leftovers: the real node left ${#left[@]} things on this machine:" >&2
  printf '  %s\n' "${left[@]}" >&2
  exit 1
fi
echo "leftovers: none (processes, mounts, cgroups, interfaces, routes, network namespaces, shim sockets, CNI results, iptables, nftables, ipsets, state dir$(grep -c '^node ' "$record" | awk '$1 > 1 { printf "; each of %s nodes", $1 }'))"
