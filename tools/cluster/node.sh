# shellcheck shell=bash
# The real node of `up.sh --real-node` (sourced by up.sh once the control plane is up, not
# run): a local registry serving the stand-in images (images.sh) as containerd's docker.io
# mirror, containerd with runc and CNI bridge networking, the kubelet and kube-proxy. All
# their files are under $STATE_DIR; the pods' network is the bridge $NODE_BRIDGE and the
# namespaces containerd makes; every port is on 127.0.0.1, the kubelet's on the bridge's
# own address. down.sh stops it all and removes what it made (see real_node_cleanup there).

# real_node_preflight: says why this machine cannot run a real node, and fails, if it cannot.
real_node_preflight() {
  local missing=() tool
  if ((EUID != 0)); then
    echo "up.sh --real-node: runs containers, so it needs root (cgroups, mounts, network namespaces)." >&2
    echo "Without it, npm run cluster:up starts the default kwok cluster, which needs no root." >&2
    exit 1
  fi
  if [[ ! -w /sys/fs/cgroup/memory && ! -w /sys/fs/cgroup/cgroup.subtree_control ]]; then
    echo "up.sh --real-node: no writable cgroup hierarchy under /sys/fs/cgroup (found: $(ls /sys/fs/cgroup | tr '\n' ' '))." >&2
    echo "The kubelet needs one; the default kwok cluster (npm run cluster:up) does not." >&2
    exit 1
  fi
  for tool in containerd containerd-shim-runc-v2 runc ctr iptables ip docker-registry skopeo; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  for tool in bridge host-local loopback; do
    [[ -x $CNI_BIN_DIR/$tool ]] || missing+=("$CNI_BIN_DIR/$tool")
  done
  if ((${#missing[@]})); then
    echo "up.sh --real-node: missing ${missing[*]}." >&2
    echo "On Debian: apt-get install containerd runc containernetworking-plugins iptables docker-registry skopeo mmdebstrap umoci catatonit" >&2
    exit 1
  fi
  # The enforcer sees pod-to-pod packets only when the bridge hands them to iptables
  # (br_netfilter), and gets them through the kernel's NFQUEUE support.
  # shellcheck disable=SC2154 # set by up.sh, which sources this file
  if [[ $network_policy == 1 ]]; then
    if [[ $(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null) != 1 ]]; then
      echo "up.sh --real-node: net.bridge.bridge-nf-call-iptables is not 1 (got '$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>&1)')," >&2
      echo "so the NetworkPolicy enforcer would not see traffic between pods: modprobe br_netfilter, or run with --no-network-policy." >&2
      exit 1
    fi
    if [[ ! -e /proc/net/netfilter/nfnetlink_queue ]]; then
      echo "up.sh --real-node: the kernel has no NFQUEUE support (no /proc/net/netfilter/nfnetlink_queue), which the" >&2
      echo "NetworkPolicy enforcer needs: modprobe nfnetlink_queue, or run with --no-network-policy." >&2
      exit 1
    fi
  fi
  if ip link show "$NODE_BRIDGE" >/dev/null 2>&1; then
    echo "up.sh --real-node: the interface $NODE_BRIDGE exists: another real-node cluster is up on this machine" >&2
    echo "(only one can be: it owns the bridge, the NodePorts on 127.0.0.1 and kube-proxy's iptables chains)." >&2
    echo "Stop it with npm run cluster:down in the checkout that started it." >&2
    exit 1
  fi
}

real_node_start() {
  local node="$STATE_DIR/node"
  mkdir -p "$node"/{registry,containerd,cni/net.d,kubelet,pod-logs,certs.d/docker.io}
  # Values this cluster changes on the host, kept so that down.sh puts them back.
  echo "route_localnet=$(cat /proc/sys/net/ipv4/conf/all/route_localnet)" >"$node/host-settings"
  # The network namespaces there already: any other one left after down.sh is the node's.
  for ns in /run/netns/*; do [[ -e $ns ]] && echo "netns-before $ns"; done >"$node/netns-before"

  local oci
  oci=$("$SANDBOX_ROOT/tools/cluster/images.sh")

  log "[5/10] starting the image registry on 127.0.0.1:$REGISTRY_PORT (stand-in images)"
  cat >"$node/registry.yaml" <<YAML
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $node/registry}}
http: {addr: 127.0.0.1:$REGISTRY_PORT}
YAML
  start_component registry
  # The names dist/ uses; containerd resolves them to docker.io/... and asks the mirror.
  local image
  for image in "nginx-1.14.2 library/nginx:1.14.2" "fib-client rgederin/fib-client-standalone-k8s:latest" \
    "busybox library/busybox:1.35.0"; do
    set -- $image
    skopeo copy --quiet --dest-tls-verify=false "oci:$oci:$1" "docker://127.0.0.1:$REGISTRY_PORT/$2"
  done

  log "[6/10] starting containerd $(containerd --version | awk '{print $3}') with runc and CNI bridge $NODE_BRIDGE ($POD_SUBNET)"
  # The bridge exists before the kubelet, whose node IP is the bridge's address; the CNI
  # bridge plugin finds it and adds the pods' veths to it.
  ip link add "$NODE_BRIDGE" type bridge
  ip addr add "$NODE_IP/${POD_SUBNET#*/}" dev "$NODE_BRIDGE"
  ip link set "$NODE_BRIDGE" up
  # The pods talk to this machine only: nothing from the bridge is forwarded elsewhere.
  iptables -w -I FORWARD -i "$NODE_BRIDGE" ! -o "$NODE_BRIDGE" -j DROP -m comment --comment "$IPTABLES_TAG"
  cat >"$node/cni/net.d/10-k8s-sandbox.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "k8s-sandbox",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$NODE_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$POD_SUBNET", "gateway": "$NODE_IP" }]],
        "dataDir": "$node/cni/ipam"
      }
    }
  ]
}
JSON
  # Pulls of docker.io images go to the local registry first, as a mirror; with no
  # internet the upstream fallback fails, so only the stand-ins are served.
  cat >"$node/certs.d/docker.io/hosts.toml" <<TOML
server = "https://registry-1.docker.io"

[host."http://127.0.0.1:$REGISTRY_PORT"]
  capabilities = ["pull", "resolve"]
TOML
  # restrict_oom_score_adj: this kind of VM refuses a negative oom_score_adj even to root,
  # and without it every pod sandbox fails in runc ("can't get final child's PID from pipe").
  cat >"$node/containerd.toml" <<TOML
version = 2
root = "$node/containerd/root"
state = "$node/containerd/state"
oom_score = 0

[grpc]
  address = "$CONTAINERD_SOCKET"
[ttrpc]
  address = "$CONTAINERD_SOCKET.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "$node/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$node/containerd/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN_DIR"
    conf_dir = "$node/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$node/certs.d"
TOML
  start_component containerd
  # The pod sandbox image is imported, as kind does, so no pull is ever needed for it.
  skopeo copy --quiet "oci:$oci:pause" "oci-archive:$node/pause.tar:$PAUSE_IMAGE"
  ctr --address "$CONTAINERD_SOCKET" -n k8s.io images import --no-unpack "$node/pause.tar" >/dev/null
  rm "$node/pause.tar"

  log "[7/10] starting the kubelet on $NODE_IP:$KUBELET_PORT, node $NODE_NAME"
  # The kubelet puts every pod's cgroup under $CGROUP_ROOT, in each hierarchy, so that
  # down.sh can find and remove all of them.
  local hierarchy
  for hierarchy in /sys/fs/cgroup/*/; do
    [[ -w $hierarchy ]] && mkdir -p "$hierarchy${CGROUP_ROOT#/}"
  done
  cat >"$node/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
# The API server's serving cert, valid for NODE_IP too (up.sh says why).
tlsCertFile: $PKI/apiserver.crt
tlsPrivateKeyFile: $PKI/apiserver.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $PKI/ca.crt}
# Only certificates of the sandbox CA get in (authentication above), and of those only the
# API server's kubelet client and admin have a reason to call.
authorization: {mode: AlwaysAllow}
containerRuntimeEndpoint: unix://$CONTAINERD_SOCKET
cgroupDriver: cgroupfs
cgroupRoot: $CGROUP_ROOT
# This machine's cgroups are v1; Kubernetes 1.34 only warns, 1.35 refuses unless told.
failCgroupV1: false
failSwapOn: false
oomScoreAdj: 0
podLogsDir: $node/pod-logs
volumePluginDir: $node/kubelet/volume-plugins
resolvConf: ""
serializeImagePulls: false
# A development machine's disk may be nearly full; evict only when it is really out.
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
YAML
  start_component kubelet

  log "[8/10] starting kube-proxy (iptables mode), NodePorts on 127.0.0.1 only"
  cat >"$node/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:$KUBE_PROXY_HEALTHZ_PORT
metricsBindAddress: 127.0.0.1:$KUBE_PROXY_METRICS_PORT
clientConnection: {kubeconfig: $STATE_DIR/kube-proxy.conf}
hostnameOverride: $NODE_NAME
clusterCIDR: $POD_SUBNET
# NodePorts answer on loopback only (localhostNodePorts), as on Docker Desktop's
# http://localhost:31515, and on no address another machine could reach.
nodePortAddresses: [127.0.0.1/32]
iptables: {localhostNodePorts: true}
oomScoreAdj: 0
# Leave the host's conntrack table size and timeouts as they are.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
YAML
  start_component kube-proxy

  if [[ $network_policy == 1 ]]; then
    log "[9/10] starting the NetworkPolicy enforcer (kube-network-policies $NETPOL_VERSION engine, NFQUEUE $NETPOL_QUEUE)"
    real_node_network_policy_start
  else
    log "[9/10] no NetworkPolicy enforcer (--no-network-policy): policies are admitted and not enforced"
  fi

  log "[10/10] waiting for node $NODE_NAME to be Ready"
  kubectl --kubeconfig "$STATE_DIR/kubeconfig" wait --for=condition=Ready "node/$NODE_NAME" --timeout=120s >/dev/null
}

# real_node_network_policy_start: the enforcer (tools/cluster/netpol/main.go) and the iptables
# rules that send it every new connection from or to the pod network. Its engine decides each
# one from the NetworkPolicies, namespaces and pods it watches, and accepts or drops it.
# The rules go in once the enforcer listens on the queue: a queue without a listener drops
# (fail closed), which would cut the kubelet's probes meanwhile. down.sh removes the rules by
# the chain's name and the tag, never by the enforcer's own cleanup.
real_node_network_policy_start() {
  kubeconfig netpol.conf k8s-sandbox-netpol
  # Read-only access to what the engine watches, bound to its own identity.
  kubectl apply -f - >/dev/null <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: k8s-sandbox-netpol}
rules:
- apiGroups: [""]
  resources: [pods, namespaces]
  verbs: [get, list, watch]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, list, watch]
- apiGroups: ["", events.k8s.io]
  resources: [events]
  verbs: [create, patch, update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: k8s-sandbox-netpol}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: k8s-sandbox-netpol}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: k8s-sandbox-netpol}
YAML
  start_exe netpol "$NETPOL_BIN" --kubeconfig="$STATE_DIR/netpol.conf" \
    --hostname-override="$NODE_NAME" --nfqueue-id="$NETPOL_QUEUE" --nftables-table="$NETPOL_NFT_TABLE"
  # The kernel lists a queue in nfnetlink_queue once a program has bound it.
  wait_for netpol awk -v q="$NETPOL_QUEUE" '$1 == q { found = 1 } END { exit !found }' /proc/net/netfilter/nfnetlink_queue
  local family=iptables
  "$family" -w -t mangle -N "$NETPOL_CHAIN"
  # ICMP stays out of policy (NetworkPolicy covers TCP, UDP and SCTP; the engine would drop
  # what it cannot parse); the rest from or to the pod network is judged.
  "$family" -w -t mangle -A "$NETPOL_CHAIN" -p icmp -j RETURN
  "$family" -w -t mangle -A "$NETPOL_CHAIN" -s "$POD_SUBNET" -j NFQUEUE --queue-num "$NETPOL_QUEUE"
  "$family" -w -t mangle -A "$NETPOL_CHAIN" -d "$POD_SUBNET" -j NFQUEUE --queue-num "$NETPOL_QUEUE"
  # Only the first packet of a connection: the engine decides when a connection opens, as it
  # does upstream. POSTROUTING sees pod to pod (the bridge calls iptables) and node to pod;
  # INPUT sees pod to node, which POSTROUTING never does.
  for hook in POSTROUTING INPUT; do
    "$family" -w -t mangle -A "$hook" -m conntrack --ctstate NEW -j "$NETPOL_CHAIN" -m comment --comment "$IPTABLES_TAG"
  done
}
