# shellcheck shell=bash
# shellcheck disable=SC2034 # sourced: the scripts that source it use these variables
# Shared settings for kit/lab/cluster/*.sh (sourced, not run): pinned versions,
# where the built binaries are cached, where a running cluster keeps its state,
# and the loopback ports it uses.

# The repo root, whichever directory the caller runs from; this folder (the scripts and the
# stand-in images); and the Go modules that pin the cluster's binaries (kit/go/cluster/).
SANDBOX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
CLUSTER_DIR="$SANDBOX_ROOT/kit/lab/cluster"
GO_DIR="$SANDBOX_ROOT/kit/go/cluster"

# Versions come from the Go tool modules, so go.mod stays the one place to bump them; the Go
# toolchain reads them (go list -m), as it reads them to build.
if ! command -v go >/dev/null; then
  echo "$(basename "$0"): Go is not installed or not on PATH: the local cluster is built from the Go modules in kit/go/cluster (the go line of kit/go/cluster/kube/go.mod names the version); install Go from https://go.dev/dl/ or add its bin folder to PATH" >&2
  exit 1
fi
pinned_version() { (cd "$GO_DIR/$1" && go list -m -f '{{.Version}}' "$2"); }
K8S_VERSION=$(pinned_version kube k8s.io/kubernetes)
ETCD_VERSION=$(pinned_version etcd go.etcd.io/etcd/server/v3)
KWOK_VERSION=$(pinned_version kwok sigs.k8s.io/kwok)

# Binaries live outside the work tree, keyed by version, so a fresh clone or a
# version bump rebuilds and nothing else does.
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/k8s-sandbox"
BIN_DIR="${K8S_SANDBOX_BIN_DIR:-$CACHE_DIR/bin/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION}"

# One running cluster per state dir. The e2e test sets its own state dir and
# port base, so it never collides with a sandbox a user has up.
STATE_DIR="${K8S_SANDBOX_STATE_DIR:-${XDG_RUNTIME_DIR:-/tmp}/k8s-sandbox-cluster}"
PKI="$STATE_DIR/pki"
PORT_BASE="${K8S_SANDBOX_PORT_BASE:-16000}"
APISERVER_PORT=$((PORT_BASE + 443))
ETCD_CLIENT_PORT=$((PORT_BASE + 379))
ETCD_PEER_PORT=$((PORT_BASE + 380))
CONTROLLER_MANAGER_PORT=$((PORT_BASE + 257))
SCHEDULER_PORT=$((PORT_BASE + 259))
KWOK_PORT=$((PORT_BASE + 247))
# The API server's range for Service ClusterIPs: kube-proxy routes them on the real node;
# with kwok nothing ever sends traffic to them. Pod IPs come from POD_SUBNET (below).
SERVICE_CIDR=10.96.0.0/16

# The real nodes (up.sh --real-node [--nodes N], kit/lab/cluster/node.sh). There can be one
# real-node cluster per machine: the bridge, the cgroup root and kube-proxy's iptables chains of
# its first node are the machine's. The first node is the one a one-node cluster has: it runs in
# this machine's network namespace, so http://localhost:31515 reaches it as before. Nodes 2..N
# each get a network namespace of their own (named like the node), as kind gives each node a
# container: an address of their own on the node network (a bridge on this machine, as kind's
# docker network), their own pod bridge, iptables, kube-proxy and NetworkPolicy enforcer.
# use_node (below) sets the NODE_* variables, POD_SUBNET and CONTAINERD_SOCKET for one of them.
NODE_NAME=k8s-sandbox-node
NODE_BRIDGE=k8s-sandbox0
POD_SUBNET=10.244.0.0/24
NODE_IP=10.244.0.1   # the bridge's own address: the pods' gateway and the kubelet's address
CGROUP_ROOT=/k8s-sandbox
IPTABLES_TAG=k8s-sandbox
CNI_BIN_DIR=${K8S_SANDBOX_CNI_BIN_DIR:-/usr/lib/cni}
CONTAINERD_SOCKET="$STATE_DIR/node/containerd/containerd.sock"
# Every node's pods: node i has 10.244.<i-1>.0/24 (host-local IPAM on a fixed range, so the
# CNI configuration is written before the node's containerd starts), and kube-proxy treats the
# whole range as the cluster's (clusterCIDR), so pod-to-pod traffic across nodes keeps its
# source address.
CLUSTER_CIDR=10.244.0.0/16
MAX_NODES=9
# The node network of nodes 2..N: node i is 10.245.0.<i> on this bridge; this machine is
# 10.245.0.1 there, the nodes' default gateway and the address where their kubelets reach the
# API server and their containerd the image registry (both listen on 127.0.0.1; node.sh
# forwards those two ports, as kind's port mappings forward a host port to a node).
NODE_NETWORK_BRIDGE=k8s-sandbox-n
NODE_NETWORK_PREFIX=10.245.0
NODE_NETWORK_GATEWAY=$NODE_NETWORK_PREFIX.1
# How many real nodes the cluster in $STATE_DIR has (up.sh records it; 1 when there is none).
NODE_COUNT=$(cat "$STATE_DIR/node-count" 2>/dev/null || echo 1)

# use_node I: sets NODE_INDEX, NODE_NAME, NODE_IP, POD_SUBNET, NODE_DIR (its files),
# CONTAINERD_SOCKET, NODE_CGROUP_ROOT (the kubelet's cgroupRoot, under CGROUP_ROOT),
# NODE_NETNS (its network namespace; empty for node 1, which runs in this machine's), NODE_LINK
# (this machine's end of its veth to the node network, on NODE_NETWORK_BRIDGE; the node's is eth0),
# NODE_HOST_ADDRESS (this machine as the node reaches it: the API server and the registry) and NODE_SUFFIX (of its
# components' names: kubelet, kubelet-2, ...) for node I (1..MAX_NODES).
use_node() {
  NODE_INDEX=$1
  if ((NODE_INDEX == 1)); then
    NODE_NAME=k8s-sandbox-node NODE_IP=10.244.0.1 NODE_DIR="$STATE_DIR/node" NODE_CGROUP_ROOT=$CGROUP_ROOT
    NODE_NETNS="" NODE_LINK="" NODE_HOST_ADDRESS=127.0.0.1 NODE_SUFFIX=""
  else
    NODE_NAME=k8s-sandbox-node-$NODE_INDEX NODE_IP=$NODE_NETWORK_PREFIX.$NODE_INDEX NODE_DIR="$STATE_DIR/node-$NODE_INDEX"
    NODE_CGROUP_ROOT=$CGROUP_ROOT/node-$NODE_INDEX NODE_NETNS=k8s-sandbox-node-$NODE_INDEX NODE_LINK=k8s-sandbox-v$NODE_INDEX
    NODE_HOST_ADDRESS=$NODE_NETWORK_GATEWAY NODE_SUFFIX=-$NODE_INDEX
  fi
  POD_SUBNET=10.244.$((NODE_INDEX - 1)).0/24
  CONTAINERD_SOCKET="$NODE_DIR/containerd/containerd.sock"
}
use_node 1
# in_node COMMAND...: runs COMMAND in the network namespace of the node use_node chose last.
in_node() {
  if [[ -n $NODE_NETNS ]]; then
    nsenter --net="/run/netns/$NODE_NETNS" -- "$@"
  else
    "$@"
  fi
}
# A stand-in pod sandbox image (catatonit), imported into containerd, never pulled.
PAUSE_IMAGE=localhost/k8s-sandbox/pause:catatonit
REGISTRY_PORT=$((PORT_BASE + 500))
KUBELET_PORT=$((PORT_BASE + 250))
KUBELET_HEALTHZ_PORT=$((PORT_BASE + 248))
KUBE_PROXY_HEALTHZ_PORT=$((PORT_BASE + 256))
KUBE_PROXY_METRICS_PORT=$((PORT_BASE + 249))
# The real node's NetworkPolicy enforcer (kit/go/cluster/netpol): the engine of
# sigs.k8s.io/kube-network-policies with a main of ours, fed by iptables NFQUEUE rules in the
# chain NETPOL_CHAIN (mangle table). Its binary is named by the engine's version and a hash of
# the module and main.go, so a change to either rebuilds it and nothing else.
NETPOL_VERSION=$(pinned_version netpol sigs.k8s.io/kube-network-policies)
NETPOL_BIN="$BIN_DIR/netpol-$NETPOL_VERSION-$(cat "$GO_DIR"/netpol/{go.mod,go.sum,main.go} | sha256sum | cut -c1-12)"
NETPOL_QUEUE=100
NETPOL_CHAIN=K8S-SANDBOX-NETPOL
NETPOL_NFT_TABLE=k8s-sandbox-netpol

log() { printf '[cluster %4ss] %s\n' "$SECONDS" "$*" >&2; }

# running NAME: whether the process up.sh recorded for component NAME still runs the
# executable it started (a pid alone may since belong to another process).
running() {
  local pid exe
  read -r pid exe <"$STATE_DIR/pids/$1.pid" 2>/dev/null || return 1
  [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$exe" ]] && [[ $(ps -o stat= -p "$pid") != Z* ]]
}

# stopped_components: the recorded components that no longer run, space-separated.
stopped_components() {
  local name stopped=()
  while read -r name; do
    running "$name" || stopped+=("$name")
  done <"$STATE_DIR/pids/order"
  echo "${stopped[*]}"
}

# The checkout that started the cluster in $STATE_DIR.
cluster_owner() { cat "$STATE_DIR/owner" 2>/dev/null || echo "an unknown checkout"; }
