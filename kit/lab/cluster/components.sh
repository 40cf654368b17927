# shellcheck shell=bash
# Starting and stopping the cluster's processes (sourced after env.sh, not run): the one place
# that holds each component's command line. up.sh and node.sh start every component through
# start_component, down.sh stops them through stop_components, and kit/lab/cluster/component.sh
# lets a test stop one and start it again exactly as up.sh did (the fault suite,
# kit/lab/e2e/faults.test.ts). Every process is recorded in $STATE_DIR/pids/<name>.pid as
# "pid executable", and its output appended to $STATE_DIR/logs/<name>.log.

# start_exe NAME EXE ARGS...: runs EXE in the background, detached from this shell's
# stdin/stdout so callers never wait on it, and records its pid and executable (down.sh
# signals a pid only while it still runs that executable) and, the first time, its place in
# the start order. With START_NETNS set, EXE runs in that network namespace (nsenter execs it,
# so the pid is EXE's; only the network namespace changes, so the mounts it makes are the host's).
start_exe() {
  local name=$1 exe=$2; shift 2
  local enter=()
  [[ -z ${START_NETNS:-} ]] || enter=(nsenter "--net=/run/netns/$START_NETNS" --)
  nohup "${enter[@]}" "$exe" "$@" >>"$STATE_DIR/logs/$name.log" 2>&1 </dev/null &
  # The executable as /proc/PID/exe names it (running, env.sh): the kube commands are symlinks.
  echo "$! $(readlink -f "$exe")" >"$STATE_DIR/pids/$name.pid"
  grep -qxF "$name" "$STATE_DIR/pids/order" 2>/dev/null || echo "$name" >>"$STATE_DIR/pids/order"
}
# start NAME ARGS...: start_exe with the binary that build.sh built.
start() { local name=$1; shift; start_exe "$name" "$BIN_DIR/$name" "$@"; }

# wait_for NAME CHECK...: polls CHECK until it succeeds, failing early with
# the log tail if NAME exits, or after 120s.
wait_for() {
  local name=$1; shift
  local pid deadline=$((SECONDS + 120))
  read -r pid _ <"$STATE_DIR/pids/$name.pid"
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited; last lines of $STATE_DIR/logs/$name.log:"; tail -n 20 "$STATE_DIR/logs/$name.log" >&2
      exit 1
    fi
    if ((SECONDS > deadline)); then
      log "$name not ready after 120s; last lines of $STATE_DIR/logs/$name.log:"; tail -n 20 "$STATE_DIR/logs/$name.log" >&2
      exit 1
    fi
    sleep 0.5
  done
}
# healthy URL [curl args]: HTTPS GET over loopback, verified against the sandbox CA.
healthy() { curl -sf --cacert "$PKI/ca.crt" "$@"; }

# start_component NAME: starts the component NAME with the command line up.sh starts it with,
# and waits until it answers its health check. Its certificates and configuration files must
# already be in $STATE_DIR (up.sh and node.sh write them before they start it). A node's
# components are named for node 1 as they are on a one-node cluster (kubelet) and with the
# node's number for the others (kubelet-2), and start in that node's network namespace.
start_component() {
  local component=$1
  if [[ $1 =~ ^(containerd|kubelet|kube-proxy|netpol)-([2-9])$ ]]; then
    component=${BASH_REMATCH[1]}
    use_node "${BASH_REMATCH[2]}"
  elif [[ $1 =~ ^(containerd|kubelet|kube-proxy|netpol)$ ]]; then
    use_node 1
  fi
  local node=$NODE_DIR
  case $component in
    etcd)
      # --unsafe-no-fsync: the data is thrown away at down.sh, and fsync dominates on slow disks.
      start etcd --name=sandbox --data-dir="$STATE_DIR/etcd-data" --unsafe-no-fsync \
        --listen-client-urls="https://127.0.0.1:$ETCD_CLIENT_PORT" --advertise-client-urls="https://127.0.0.1:$ETCD_CLIENT_PORT" \
        --listen-peer-urls="https://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="https://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-cluster="sandbox=https://127.0.0.1:$ETCD_PEER_PORT" \
        --cert-file="$PKI/etcd/server.crt" --key-file="$PKI/etcd/server.key" --client-cert-auth --trusted-ca-file="$PKI/etcd/ca.crt" \
        --peer-cert-file="$PKI/etcd/peer.crt" --peer-key-file="$PKI/etcd/peer.key" --peer-client-cert-auth --peer-trusted-ca-file="$PKI/etcd/ca.crt"
      wait_for etcd curl -sf --cacert "$PKI/etcd/ca.crt" "https://127.0.0.1:$ETCD_CLIENT_PORT/health" \
        --cert "$PKI/etcd/healthcheck-client.crt" --key "$PKI/etcd/healthcheck-client.key"
      ;;
    kube-apiserver)
      # The flags kubeadm's static pod gives kube-apiserver (getAPIServerCommand in
      # cmd/kubeadm/app/phases/controlplane/manifests.go, v1.34), so the API server judges
      # objects as a kubeadm cluster's does: the default admission plugins (PodSecurity,
      # ServiceAccount, ...) plus NodeRestriction, --authorization-mode=Node,RBAC,
      # --allow-privileged=true (privileged containers taken; kube-apiserver's default is false, and
      # npm run check's api-server gate answers for true by default) and bootstrap tokens. Where this
      # differs from kubeadm: --service-cluster-ip-range is env.sh's 10.96.0.0/16 (kubeadm's
      # default subnet is 10.96.0.0/12), --kubelet-preferred-address-types is InternalIP alone
      # (kwok's nodes have no other), --profiling=false, and the endpoints of the "kubernetes"
      # Service are left unmanaged: the API server's only address is loopback, which Endpoints
      # may not hold, and no pod here needs to reach it.
      start kube-apiserver --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
        --endpoint-reconciler-type=none --allow-privileged=true --enable-bootstrap-token-auth=true \
        --etcd-servers="https://127.0.0.1:$ETCD_CLIENT_PORT" --etcd-cafile="$PKI/etcd/ca.crt" \
        --etcd-certfile="$PKI/apiserver-etcd-client.crt" --etcd-keyfile="$PKI/apiserver-etcd-client.key" \
        --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
        --client-ca-file="$PKI/ca.crt" --authorization-mode=Node,RBAC \
        --enable-admission-plugins=NodeRestriction \
        --service-cluster-ip-range="$SERVICE_CIDR" --service-node-port-range=30000-32767 \
        --service-account-issuer=https://kubernetes.default.svc.cluster.local \
        --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
        --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
        --kubelet-certificate-authority="$PKI/ca.crt" \
        --kubelet-preferred-address-types=InternalIP --profiling=false \
        --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
        --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
        --requestheader-extra-headers-prefix=X-Remote-Extra- \
        --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key"
      wait_for kube-apiserver kubectl --kubeconfig "$STATE_DIR/kubeconfig" get --raw /readyz
      ;;
    # Both run alone, so leader election would only delay their start.
    kube-controller-manager)
      start kube-controller-manager --bind-address=127.0.0.1 --secure-port="$CONTROLLER_MANAGER_PORT" \
        --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
        --kubeconfig="$STATE_DIR/controller-manager.conf" \
        --authentication-kubeconfig="$STATE_DIR/controller-manager.conf" \
        --authorization-kubeconfig="$STATE_DIR/controller-manager.conf" \
        --client-ca-file="$PKI/ca.crt" --leader-elect=false --use-service-account-credentials \
        --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
        --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
        --service-cluster-ip-range="$SERVICE_CIDR" --profiling=false
      wait_for kube-controller-manager healthy "https://127.0.0.1:$CONTROLLER_MANAGER_PORT/healthz"
      ;;
    kube-scheduler)
      start kube-scheduler --bind-address=127.0.0.1 --secure-port="$SCHEDULER_PORT" \
        --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
        --kubeconfig="$STATE_DIR/scheduler.conf" \
        --authentication-kubeconfig="$STATE_DIR/scheduler.conf" \
        --authorization-kubeconfig="$STATE_DIR/scheduler.conf" \
        --client-ca-file="$PKI/ca.crt" --leader-elect=false --profiling=false
      wait_for kube-scheduler healthy "https://127.0.0.1:$SCHEDULER_PORT/healthz"
      ;;
    kwok)
      # kwok manages only nodes carrying this annotation, so pointed at another cluster by
      # mistake it would leave real nodes alone. Node IP 127.0.0.1: the API server's calls to
      # "the kubelet" (logs, exec) then stay on loopback.
      start kwok --kubeconfig="$STATE_DIR/kwok.conf" --config="$BIN_DIR/kwok-stages.yaml" \
        --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
        --cidr="$POD_SUBNET" --node-ip=127.0.0.1 --node-port="$KWOK_PORT" \
        --server-address="127.0.0.1:$KWOK_PORT" --node-lease-duration-seconds=40 \
        --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key"
      wait_for kwok healthy "https://127.0.0.1:$KWOK_PORT/healthz"
      ;;
    registry)
      start_exe registry "$(command -v docker-registry)" serve "$STATE_DIR/node/registry.yaml"
      wait_for registry curl -sf "http://127.0.0.1:$REGISTRY_PORT/v2/"
      ;;
    containerd)
      START_NETNS=$NODE_NETNS start_exe "$1" "$(command -v containerd)" --config "$node/containerd.toml"
      wait_for "$1" ctr --address "$CONTAINERD_SOCKET" version
      ;;
    kubelet)
      START_NETNS=$NODE_NETNS start_exe "$1" "$BIN_DIR/kubelet" --config="$node/kubelet.yaml" \
        --kubeconfig="$STATE_DIR/kubelet$NODE_SUFFIX.conf" \
        --root-dir="$node/kubelet" --cert-dir="$node/kubelet/pki" \
        --hostname-override="$NODE_NAME" --node-ip="$NODE_IP"
      wait_for "$1" in_node curl -sf "http://127.0.0.1:$KUBELET_HEALTHZ_PORT/healthz"
      ;;
    kube-proxy)
      START_NETNS=$NODE_NETNS start_exe "$1" "$BIN_DIR/kube-proxy" --config="$node/kube-proxy.yaml"
      wait_for "$1" in_node curl -sf "http://127.0.0.1:$KUBE_PROXY_HEALTHZ_PORT/healthz"
      ;;
    netpol)
      # The NetworkPolicy enforcer (node.sh writes its kubeconfig and hooks): ready once the
      # kernel lists its queue in nfnetlink_queue (of the node's network namespace).
      START_NETNS=$NODE_NETNS start_exe "$1" "$NETPOL_BIN" --kubeconfig="$STATE_DIR/netpol$NODE_SUFFIX.conf" \
        --hostname-override="$NODE_NAME" --nfqueue-id="$NETPOL_QUEUE" --nftables-table="$NETPOL_NFT_TABLE"
      wait_for "$1" in_node awk -v q="$NETPOL_QUEUE" '$1 == q { found = 1 } END { exit !found }' /proc/net/netfilter/nfnetlink_queue
      ;;
    *)
      echo "start_component: unknown component '$1'; components: $COMPONENTS" >&2
      return 2
      ;;
  esac
}
COMPONENTS="etcd kube-apiserver kube-controller-manager kube-scheduler kwok registry containerd kubelet kube-proxy netpol (containerd-2, kubelet-2, ... on node 2, ...)"

# A process that exited but was not yet reaped (a zombie) counts as stopped.
alive() { local state; state=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $state != Z* ]]; }

# stop_components NAME...: signals each component that still runs (SIGTERM), then waits for
# all of them (so they shut down in parallel), killing any that takes more than 10 s.
stop_components() {
  local name pid entry stopping=()
  for name in "$@"; do
    # Only a pid that still runs the recorded executable: after a reboot the number may
    # belong to some other process.
    running "$name" || continue
    read -r pid _ <"$STATE_DIR/pids/$name.pid"
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    stopping+=("$name:$pid")
  done
  for entry in "${stopping[@]}"; do
    name=${entry%%:*} pid=${entry#*:}
    for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then
      log "$name did not stop within 10s, killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

# node_index NAME: the number of node NAME of the cluster in $STATE_DIR (2 for k8s-sandbox-node-2);
# fails, naming the nodes there are, if it has no such node.
node_index() {
  local i names=()
  for ((i = 1; i <= NODE_COUNT; i++)); do
    use_node "$i"
    [[ $NODE_NAME == "$1" ]] && { echo "$i"; return 0; }
    names+=("$NODE_NAME")
  done
  echo "component.sh: '$1' is not a node of the cluster in $STATE_DIR; its nodes: ${names[*]}" >&2
  return 2
}

# stop_node I: the nearest this machine has to a power loss of node I (2..N): every process of
# the node killed at once with SIGKILL (its enforcer, kube-proxy, kubelet, containerd, the
# containers' shims and every process in its cgroups), no shutdown of any kind, then the node
# network's end of its link taken down (the node's own end keeps its address and routes, as a
# cable pulled out), so that its address and its pods stop answering as a machine switched off
# does. Its files and network namespace stay, as a disk does; start_node boots it.
# Node 1 is this machine, where the control plane runs: it cannot be lost without losing the
# cluster (kind's control-plane node neither).
stop_node() {
  use_node "$1"
  local name pid pids=()
  for name in "netpol$NODE_SUFFIX" "kube-proxy$NODE_SUFFIX" "kubelet$NODE_SUFFIX" "containerd$NODE_SUFFIX"; do
    running "$name" && read -r pid _ <"$STATE_DIR/pids/$name.pid" && pids+=("$pid")
  done
  mapfile -t -O "${#pids[@]}" pids < <( (pgrep -f -- "-address $CONTAINERD_SOCKET"
    find /sys/fs/cgroup/*/"${NODE_CGROUP_ROOT#/}" -name cgroup.procs -exec cat {} + 2>/dev/null) | sort -u)
  log "node $NODE_NAME: killing ${#pids[@]} processes (SIGKILL), then taking its link down"
  ((${#pids[@]} == 0)) || kill -KILL "${pids[@]}" 2>/dev/null || true
  ip link set "$NODE_LINK" down
}

# start_node I: node I boots again: its link up, then containerd, the kubelet, kube-proxy and the
# enforcer as up.sh started them (the kubelet restarts the pods the API server still binds to it).
start_node() {
  use_node "$1"
  log "node $NODE_NAME: link up, starting containerd, kubelet, kube-proxy and the enforcer"
  ip link set "$NODE_LINK" up
  local name
  for name in "containerd$NODE_SUFFIX" "kubelet$NODE_SUFFIX" "kube-proxy$NODE_SUFFIX" "netpol$NODE_SUFFIX"; do
    grep -qxF "$name" "$STATE_DIR/pids/order" || continue
    running "$name" || start_component "$name"
  done
}
