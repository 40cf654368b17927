#!/usr/bin/env bash
# Starts a local Kubernetes control plane without Docker: etcd, kube-apiserver,
# kube-controller-manager and kube-scheduler, and one node:
#   up.sh              kwok plays the kubelet of one fake node (pods get scheduled, go
#                      Running and get an IP, but no container runs); needs no root
#   up.sh --real-node  a real node (kit/lab/cluster/node.sh): containerd, runc, CNI bridge
#                      networking, the kubelet and kube-proxy, with the stand-in images of
#                      kit/lab/cluster/images.sh in a local registry, and a NetworkPolicy
#                      enforcer (kube-network-policies' engine, kit/go/cluster/netpol); needs
#                      root (K8S_SANDBOX_REAL_NODE=1 does the same)
#   up.sh --real-node --no-network-policy   the same without the enforcer: NetworkPolicies are
#                      admitted and ignored, as on a cluster whose network plugin does not
#                      enforce them (Docker Desktop's, by default)
#   up.sh --real-node --nodes N   N real nodes (1 to $MAX_NODES of env.sh; default 1): the first
#                      as above, each other one in a network namespace of its own with its own
#                      address, containerd, kubelet, kube-proxy and enforcer (node.sh says how)
# Everything listens on 127.0.0.1 only (the real node's kubelet on its own bridge), over TLS
# with client-certificate authentication. Builds the binaries first if needed
# (kit/lab/cluster/build.sh). State (certs, kubeconfigs, logs, pids, etcd data, the node's
# files) lives in $STATE_DIR; kit/lab/cluster/down.sh stops it all and removes it.
# Not kwokctl create cluster --runtime binary (kwok v0.8.0; --dry-run on these binaries): its etcd
# speaks plain HTTP, one admin cert serves and signs everything, it stops only whole clusters
# (the fault suite stops one component) and has no place for the real node that joins this one.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/components.sh"

real_node=${K8S_SANDBOX_REAL_NODE:-0}
network_policy=1
NODE_COUNT=1
usage="usage: up.sh [--real-node [--no-network-policy] [--nodes N]]"
while (($#)); do
  case $1 in
    --real-node) real_node=1 ;;
    --no-network-policy) network_policy=0 ;;
    --nodes)
      NODE_COUNT=${2:-}
      if [[ ! $NODE_COUNT =~ ^[1-9][0-9]*$ ]] || ((NODE_COUNT > MAX_NODES)); then
        echo "up.sh: --nodes must be a whole number from 1 to $MAX_NODES (got '$NODE_COUNT'); e.g. --real-node --nodes 2" >&2
        exit 2
      fi
      shift
      ;;
    *) echo "up.sh: unknown argument '$1'; $usage" >&2; exit 2 ;;
  esac
  shift
done
if ((NODE_COUNT > 1 && real_node == 0)); then
  echo "up.sh: --nodes applies to --real-node only (got --nodes $NODE_COUNT without it); the kwok cluster's fake nodes are added with kit/lab/cluster/kwok-node.sh" >&2
  exit 2
fi
if [[ $network_policy == 0 && $real_node == 0 ]]; then
  echo "up.sh: --no-network-policy applies to --real-node only (the kwok node runs no containers and enforces nothing)" >&2
  exit 2
fi
[[ $real_node == 1 ]] || NODE_NAME=kwok-node-0

for tool in go curl kubectl; do
  command -v "$tool" >/dev/null || { echo "up.sh needs $tool on PATH" >&2; exit 1; }
done
if [[ $real_node == 1 ]]; then
  source "$CLUSTER_DIR/node.sh"
  real_node_preflight
fi
if [[ -d $STATE_DIR ]]; then
  stopped=$( [[ -f $STATE_DIR/pids/order ]] && stopped_components || echo "every component")
  if [[ -z $stopped ]]; then
    echo "A cluster is already up in $STATE_DIR, started by the checkout $(cluster_owner)." >&2
    echo "Use it: KUBECONFIG=$STATE_DIR/kubeconfig kubectl get nodes" >&2
    echo "Stop it: npm run cluster:down in that checkout." >&2
  else
    echo "The cluster in $STATE_DIR, started by the checkout $(cluster_owner), is broken:" >&2
    echo "not running: $stopped (their logs are in $STATE_DIR/logs)." >&2
    echo "Remove what is left with npm run cluster:down, then run npm run cluster:up again." >&2
  fi
  exit 1
fi
ports=("$ETCD_CLIENT_PORT" "$ETCD_PEER_PORT" "$APISERVER_PORT" "$CONTROLLER_MANAGER_PORT" "$SCHEDULER_PORT")
if [[ $real_node == 1 ]]; then
  ports+=("$REGISTRY_PORT" "$KUBELET_HEALTHZ_PORT" "$KUBE_PROXY_HEALTHZ_PORT" "$KUBE_PROXY_METRICS_PORT")
else
  ports+=("$KWOK_PORT")
fi
for port in "${ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port 127.0.0.1:$port is already in use; set K8S_SANDBOX_PORT_BASE to move all ports." >&2
    exit 1
  fi
done

if [[ $real_node == 1 ]]; then
  "$CLUSTER_DIR/build.sh" --real-node >/dev/null
else
  "$CLUSTER_DIR/build.sh" >/dev/null
fi
mkdir -p "$STATE_DIR"/{pki,logs,pids}
echo "$SANDBOX_ROOT" >"$STATE_DIR/owner"
echo "$([[ $real_node == 1 ]] && echo real || echo kwok)" >"$STATE_DIR/node-mode"
echo "$NODE_COUNT" >"$STATE_DIR/node-count"
# If anything below fails, stop what already started instead of leaving it behind.
trap '[[ $? -eq 0 ]] || { log "start failed, stopping"; "$CLUSTER_DIR/down.sh"; }' EXIT

# --- certificates and kubeconfigs (kubeadm, as kind makes them) ------------
log "creating certificates and kubeconfigs in $STATE_DIR (kubeadm $K8S_VERSION)"
# kubeadm's layout: ca (every API client and the kubelets), etcd/ca (etcd's serving, peer and
# client certs), front-proxy-ca (only the API server's front-proxy client, so that no other
# cert passes the request-header identity that aggregated API servers and the delegated
# authentication of the controller manager and scheduler trust), and sa.key/sa.pub, which
# sign and check ServiceAccount tokens. kubeadm makes serving certs for the API server and
# etcd only, and the API server checks its kubelets' against ca, so the API server's also
# serves the controller manager, the scheduler, kwok (127.0.0.1) and the real node's kubelet
# (NODE_IP, which kubeadm puts in the SANs as the advertise address: it refuses a loopback
# one). With several nodes it also serves the other nodes' kubelets, and the API server as they
# reach it (NODE_NETWORK_GATEWAY), so their addresses are SANs too. The version set here keeps
# kubeadm offline.
sans="127.0.0.1, localhost"
for ((i = 2; i <= NODE_COUNT; i++)); do
  sans+=", $(use_node "$i" && echo "$NODE_IP")"
done
((NODE_COUNT == 1)) || sans+=", $NODE_NETWORK_GATEWAY"
cat >"$STATE_DIR/kubeadm.yaml" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint: {advertiseAddress: $NODE_IP, bindPort: $APISERVER_PORT}
nodeRegistration: {name: $NODE_NAME, criSocket: unix://$CONTAINERD_SOCKET}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: $K8S_VERSION
clusterName: k8s-sandbox
certificatesDir: $PKI
controlPlaneEndpoint: 127.0.0.1:$APISERVER_PORT
encryptionAlgorithm: ECDSA-P256
networking: {serviceSubnet: $SERVICE_CIDR, dnsDomain: cluster.local}
apiServer: {certSANs: [$sans]}
YAML
"$BIN_DIR/kubeadm" init phase certs all --config "$STATE_DIR/kubeadm.yaml" >/dev/null
# kubeconfig FILE USER [GROUP]: a kubeconfig for the client identity USER in GROUP, as RBAC
# sees them, with the control plane endpoint above. (kubeadm's kubeconfig phase would point
# the controller manager's and the scheduler's at the advertise address, where nothing listens.)
kubeconfig() {
  "$BIN_DIR/kubeadm" kubeconfig user --config "$STATE_DIR/kubeadm.yaml" --client-name "$2" ${3:+--org "$3"} \
    >"$STATE_DIR/$1"
}
# The sandbox's user is in system:masters, as kubeadm's super-admin.conf.
kubeconfig kubeconfig kubernetes-super-admin system:masters
kubeconfig controller-manager.conf system:kube-controller-manager
kubeconfig scheduler.conf system:kube-scheduler
if [[ $real_node == 1 ]]; then
  # The kubelet is system:node:<name> in system:nodes, so the API server's Node authorizer
  # and NodeRestriction treat it as any kubelet; kube-proxy is system:kube-proxy, which the
  # default system:node-proxier binding covers.
  kubeconfig kubelet.conf "system:node:$NODE_NAME" system:nodes
  kubeconfig kube-proxy.conf system:kube-proxy
else
  # kwok plays the kubelet of every fake node (node and pod status, leases, pod deletion);
  # system:masters keeps the sandbox free of a hand-kept RBAC role.
  kubeconfig kwok.conf kwok-controller system:masters
fi

# --- processes (their command lines are in components.sh) -------------------
steps=$([[ $real_node == 1 ]] && echo 10 || echo 5)
log "[1/$steps] starting etcd $ETCD_VERSION on 127.0.0.1:$ETCD_CLIENT_PORT"
start_component etcd
log "[2/$steps] starting kube-apiserver $K8S_VERSION on https://127.0.0.1:$APISERVER_PORT"
start_component kube-apiserver
log "[3/$steps] starting kube-controller-manager on 127.0.0.1:$CONTROLLER_MANAGER_PORT"
start_component kube-controller-manager
log "[4/$steps] starting kube-scheduler on 127.0.0.1:$SCHEDULER_PORT"
start_component kube-scheduler

export KUBECONFIG="$STATE_DIR/kubeconfig"
if [[ $real_node == 1 ]]; then
  real_node_start
else
  log "[5/5] starting kwok $KWOK_VERSION on 127.0.0.1:$KWOK_PORT"
  start_component kwok

  "$CLUSTER_DIR/kwok-node.sh" "$NODE_NAME"
fi
# Pods in a new namespace need its "default" ServiceAccount, which the
# controller manager creates; wait so a first apply never races it.
kubectl wait --for=create serviceaccount/default -n default --timeout=60s >/dev/null

log "cluster up in ${SECONDS}s"
cat <<DONE

Kubernetes $K8S_VERSION is up on https://127.0.0.1:$APISERVER_PORT, with $(
  [[ $real_node == 1 ]] && echo "$( ((NODE_COUNT == 1)) && echo "a real node ($NODE_NAME" || echo "$NODE_COUNT real nodes (each"): containerd, kubelet, kube-proxy$([[ $network_policy == 1 ]] && echo ", NetworkPolicy enforced" || echo ", NetworkPolicy NOT enforced"); stand-in images)" || echo "one fake node (kwok)").
kubeconfig: $KUBECONFIG

\$ KUBECONFIG=$KUBECONFIG kubectl get nodes
$(kubectl get nodes)

Use it:  export KUBECONFIG=$KUBECONFIG
         kubectl apply -f dist && kubectl rollout status deployment/nginx-deployment
$([[ $real_node == 1 ]] && echo "         then open http://localhost:31515/$( ((NODE_COUNT == 1)) || echo ", or any node's InternalIP (kubectl get nodes -o wide) at port 31515")")
Stop it: npm run cluster:down
DONE
