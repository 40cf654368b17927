# shellcheck shell=bash
# The real nodes of `up.sh --real-node [--nodes N]` (sourced by up.sh once the control plane is
# up, not run): a local registry serving the stand-in images (images.sh) as containerd's
# docker.io mirror and, on each node, containerd with runc and CNI bridge networking, the kubelet,
# kube-proxy and the NetworkPolicy enforcer. All their files are under $STATE_DIR; node 1's pods'
# network is the bridge $NODE_BRIDGE and the namespaces containerd makes; every port of node 1
# is on 127.0.0.1, the kubelet's on the bridge's own address. Nodes 2..N run the same programs,
# each in its own network namespace (env.sh): one containerd per node, as each kind node runs
# its own, so that stopping a node's containerd stops that node's containers and no other's.
# down.sh stops it all and removes what it made.

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
  for tool in containerd containerd-shim-runc-v2 runc ctr iptables ip nsenter docker-registry skopeo; do
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
  if ip link show "$NODE_BRIDGE" >/dev/null 2>&1 || ip link show "$NODE_NETWORK_BRIDGE" >/dev/null 2>&1; then
    echo "up.sh --real-node: the interface $NODE_BRIDGE or $NODE_NETWORK_BRIDGE exists: another real-node cluster is up on this machine" >&2
    echo "(only one can be: it owns the bridge, the NodePorts on 127.0.0.1 and kube-proxy's iptables chains)." >&2
    echo "Stop it with npm run cluster:down in the checkout that started it." >&2
    exit 1
  fi
}

real_node_start() {
  local node="$STATE_DIR/node"
  mkdir -p "$node"/registry
  # Values this cluster changes on the host, kept so that down.sh puts them back.
  echo "route_localnet=$(cat /proc/sys/net/ipv4/conf/all/route_localnet)" >"$node/host-settings"
  # The network namespaces there already: any other one left after down.sh is the node's.
  for ns in /run/netns/*; do [[ -e $ns ]] && echo "netns-before $ns"; done >"$node/netns-before"

  local oci
  oci=$("$CLUSTER_DIR/images.sh")

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
  # The pod sandbox image, imported into each node's containerd, as kind does, so no pull is
  # ever needed for it.
  skopeo copy --quiet "oci:$oci:pause" "oci-archive:$node/pause.tar:$PAUSE_IMAGE"

  local i
  for ((i = 1; i <= NODE_COUNT; i++)); do
    use_node "$i"
    ((i != 2)) || real_node_network_start
    real_node_start_one
  done
  rm "$node/pause.tar"

  for ((i = 1; i <= NODE_COUNT; i++)); do
    use_node "$i"
    node_log 10 "waiting for node $NODE_NAME to be Ready"
    kubectl --kubeconfig "$STATE_DIR/kubeconfig" wait --for=condition=Ready "node/$NODE_NAME" --timeout=120s >/dev/null
  done
  use_node 1
}

# node_log STEP MESSAGE: a progress line of step STEP (of 10) for the node use_node chose, named
# when the cluster has several.
node_log() {
  log "[$1/10]$( ((NODE_COUNT == 1)) || echo " $NODE_NAME:") $2"
}

# node_kubeconfig FILE USER [GROUP]: kubeconfig (up.sh) for a component of the node use_node
# chose, pointed at the API server's address as that node reaches it.
node_kubeconfig() {
  kubeconfig "$@"
  sed -i "s#server: https://127.0.0.1:#server: https://$NODE_HOST_ADDRESS:#" "$STATE_DIR/$1"
}

# real_node_network_start: the node network of nodes 2..N, a bridge on this machine as kind's
# docker network is, with this machine at NODE_NETWORK_GATEWAY. The nodes' kubelets, kube-proxies
# and enforcers reach the API server, and their containerd the registry, at that address: both
# listen on 127.0.0.1 only, so a DNAT rule (from node addresses only, not from pods) forwards
# those two ports to loopback, which route_localnet on this bridge allows; kind forwards a host
# port to a node the same way. The pods talk to this machine and each other only: from the
# nodes, nothing is forwarded but to another node or node 1's pods.
real_node_network_start() {
  log "[5/10] node network $NODE_NETWORK_BRIDGE ($NODE_NETWORK_PREFIX.0/24) for nodes 2..$NODE_COUNT"
  ip link add "$NODE_NETWORK_BRIDGE" type bridge
  ip addr add "$NODE_NETWORK_GATEWAY/24" dev "$NODE_NETWORK_BRIDGE"
  ip link set "$NODE_NETWORK_BRIDGE" up
  echo 1 >"/proc/sys/net/ipv4/conf/$NODE_NETWORK_BRIDGE/route_localnet"
  iptables -w -t nat -A PREROUTING -i "$NODE_NETWORK_BRIDGE" -s "$NODE_NETWORK_PREFIX.0/24" -d "$NODE_NETWORK_GATEWAY" \
    -p tcp -m multiport --dports "$APISERVER_PORT,$REGISTRY_PORT" -j DNAT --to-destination 127.0.0.1 \
    -m comment --comment "$IPTABLES_TAG"
  # Inserted above node 1's rule that drops what its pods send elsewhere.
  iptables -w -I FORWARD -i "$NODE_NETWORK_BRIDGE" ! -o "$NODE_NETWORK_BRIDGE" -j DROP -m comment --comment "$IPTABLES_TAG"
  iptables -w -I FORWARD -i "$NODE_NETWORK_BRIDGE" -o "$NODE_BRIDGE" -j ACCEPT -m comment --comment "$IPTABLES_TAG"
  iptables -w -I FORWARD -i "$NODE_BRIDGE" -o "$NODE_NETWORK_BRIDGE" -j ACCEPT -m comment --comment "$IPTABLES_TAG"
}

# real_node_netns_start: the network namespace of the node use_node chose (2..N), with its
# address NODE_IP on the node network and a route from this machine to its pods: every node
# sends other nodes' pod traffic to this machine (its default route), which routes each node's
# pod subnet to that node, as kindnet installs a route per node.
real_node_netns_start() {
  ip netns add "$NODE_NETNS"
  ip link add "$NODE_LINK" type veth peer name eth0 netns "$NODE_NETNS"
  ip link set "$NODE_LINK" master "$NODE_NETWORK_BRIDGE" up
  in_node ip link set lo up
  in_node ip addr add "$NODE_IP/24" dev eth0
  in_node ip link set eth0 up
  in_node ip route add default via "$NODE_NETWORK_GATEWAY"
  in_node sysctl -qw net.ipv4.ip_forward=1
  ip route add "$POD_SUBNET" via "$NODE_IP" dev "$NODE_NETWORK_BRIDGE"
}

# real_node_start_one: containerd, the kubelet, kube-proxy and the enforcer of the node use_node
# chose, and its pod bridge.
real_node_start_one() {
  local node=$NODE_DIR
  local pod_gateway=${POD_SUBNET%.0/*}.1
  mkdir -p "$node"/{containerd,cni/net.d,kubelet,pod-logs,certs.d/docker.io}
  [[ -z $NODE_NETNS ]] || real_node_netns_start

  node_log 6 "starting containerd $(containerd --version | awk '{print $3}') with runc and CNI bridge $NODE_BRIDGE ($POD_SUBNET)"
  # The bridge exists before the kubelet (on node 1 the node IP is the bridge's address); the
  # CNI bridge plugin finds it and adds the pods' veths to it.
  in_node ip link add "$NODE_BRIDGE" type bridge
  in_node ip addr add "$pod_gateway/${POD_SUBNET#*/}" dev "$NODE_BRIDGE"
  in_node ip link set "$NODE_BRIDGE" up
  # Test traffic stays on this machine. The Service range and the whole pod range are routed to
  # node 1's bridge: without that, a packet to a ClusterIP that kube-proxy has no rule for (it is
  # stopped, not yet synced, or no Service holds the address) or to a pod address no node has
  # follows this machine's default route out of it. Each node's own pod subnet has a more
  # specific route (connected, or via the node network) and wins; what is left ends on the
  # bridge, where nothing answers. kube-proxy's DNAT needs a route to exist before it rewrites a
  # packet, so these are routes to the bridge rather than unreachable ones; down.sh removes them.
  if [[ -z $NODE_NETNS ]]; then
    ip route add "$SERVICE_CIDR" dev "$NODE_BRIDGE"
    ip route add "$CLUSTER_CIDR" dev "$NODE_BRIDGE"
  fi
  # The pods talk to this machine only: nothing from node 1's bridge is forwarded elsewhere (the
  # other nodes' pods are filtered where they leave their node, real_node_network_start).
  [[ -n $NODE_NETNS ]] || iptables -w -I FORWARD -i "$NODE_BRIDGE" ! -o "$NODE_BRIDGE" -j DROP -m comment --comment "$IPTABLES_TAG"
  # The pods route the other nodes' pods and the node network (the "routes" below) through their
  # node's bridge address, and nothing else: they talk to this machine only.
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
        "ranges": [[{ "subnet": "$POD_SUBNET", "gateway": "$pod_gateway" }]],
        "routes": [{ "dst": "$CLUSTER_CIDR" }, { "dst": "$NODE_NETWORK_PREFIX.0/24" }],
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

[host."http://$NODE_HOST_ADDRESS:$REGISTRY_PORT"]
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
  start_component "containerd$NODE_SUFFIX"
  ctr --address "$CONTAINERD_SOCKET" -n k8s.io images import --no-unpack "$STATE_DIR/node/pause.tar" >/dev/null

  node_log 7 "starting the kubelet on $NODE_IP:$KUBELET_PORT, node $NODE_NAME"
  # The kubelet puts every pod's cgroup under its cgroupRoot, in each hierarchy; every node's is
  # under $CGROUP_ROOT, so that down.sh can find and remove all of them.
  local hierarchy
  for hierarchy in /sys/fs/cgroup/*/; do
    [[ -w $hierarchy ]] && mkdir -p "$hierarchy${NODE_CGROUP_ROOT#/}"
  done
  [[ -z $NODE_NETNS ]] || node_kubeconfig "kubelet$NODE_SUFFIX.conf" "system:node:$NODE_NAME" system:nodes
  cat >"$node/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
# The API server's serving cert, valid for every node's address too (up.sh says why).
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
cgroupRoot: $NODE_CGROUP_ROOT
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
  start_component "kubelet$NODE_SUFFIX"

  # NodePorts answer on the node's address, and node 1's also on loopback (localhostNodePorts),
  # as on Docker Desktop's http://localhost:31515; on no address another machine could reach.
  local node_ports="[127.0.0.1/32, $NODE_IP/32]" localhost_node_ports=true
  [[ -z $NODE_NETNS ]] || node_ports="[$NODE_IP/32]" localhost_node_ports=false
  node_log 8 "starting kube-proxy (iptables mode), NodePorts on $node_ports"
  [[ -z $NODE_NETNS ]] || node_kubeconfig "kube-proxy$NODE_SUFFIX.conf" system:kube-proxy
  cat >"$node/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:$KUBE_PROXY_HEALTHZ_PORT
metricsBindAddress: 127.0.0.1:$KUBE_PROXY_METRICS_PORT
clientConnection: {kubeconfig: $STATE_DIR/kube-proxy$NODE_SUFFIX.conf}
hostnameOverride: $NODE_NAME
clusterCIDR: $CLUSTER_CIDR
nodePortAddresses: $node_ports
iptables: {localhostNodePorts: $localhost_node_ports}
oomScoreAdj: 0
# Leave the host's conntrack table size and timeouts as they are.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
YAML
  start_component "kube-proxy$NODE_SUFFIX"

  if [[ $network_policy == 1 ]]; then
    node_log 9 "starting the NetworkPolicy enforcer (kube-network-policies $NETPOL_VERSION engine, NFQUEUE $NETPOL_QUEUE)"
    real_node_network_policy_start
  else
    node_log 9 "no NetworkPolicy enforcer (--no-network-policy): policies are admitted and not enforced"
  fi
}

# real_node_network_policy_start: the enforcer (kit/go/cluster/netpol/main.go) and the iptables
# rules that send it every new connection from or to the pod network. Its engine decides each
# one from the NetworkPolicies, namespaces and pods it watches, and accepts or drops it.
# The rules go in once the enforcer listens on the queue: a queue without a listener drops
# (fail closed), which would cut the kubelet's probes meanwhile. down.sh removes the rules by
# the chain's name and the tag, never by the enforcer's own cleanup.
real_node_network_policy_start() {
  if [[ -n $NODE_NETNS ]]; then
    node_kubeconfig "netpol$NODE_SUFFIX.conf" k8s-sandbox-netpol
  else
    kubeconfig netpol.conf k8s-sandbox-netpol
  fi
  # Read-only access to what the engine watches, bound to its own identity (one for every node).
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
  start_component "netpol$NODE_SUFFIX"
  local family=iptables
  in_node "$family" -w -t mangle -N "$NETPOL_CHAIN"
  # ICMP stays out of policy (NetworkPolicy covers TCP, UDP and SCTP; the engine would drop
  # what it cannot parse); the rest from or to the pod network is judged.
  in_node "$family" -w -t mangle -A "$NETPOL_CHAIN" -p icmp -j RETURN
  in_node "$family" -w -t mangle -A "$NETPOL_CHAIN" -s "$POD_SUBNET" -j NFQUEUE --queue-num "$NETPOL_QUEUE"
  in_node "$family" -w -t mangle -A "$NETPOL_CHAIN" -d "$POD_SUBNET" -j NFQUEUE --queue-num "$NETPOL_QUEUE"
  # Only the first packet of a connection: the engine decides when a connection opens, as it
  # does upstream. POSTROUTING sees pod to pod (the bridge calls iptables) and node to pod;
  # INPUT sees pod to node, which POSTROUTING never does.
  for hook in POSTROUTING INPUT; do
    in_node "$family" -w -t mangle -A "$hook" -m conntrack --ctstate NEW -j "$NETPOL_CHAIN" -m comment --comment "$IPTABLES_TAG"
  done
}
