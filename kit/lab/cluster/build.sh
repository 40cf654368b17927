#!/usr/bin/env bash
# Builds the local control plane from the Go modules pinned in kit/go/cluster into a cache
# outside the work tree keyed by their versions: one binary of k8s.io/kubernetes
# (kit/go/cluster/kube/main.go) that is kube-apiserver, kube-controller-manager, kube-scheduler,
# kubeadm (the cluster's certificates and kubeconfigs), kubelet and kube-proxy, each a symlink
# to it, so k8s.io/kubernetes is linked once; etcd (go.etcd.io/etcd/server/v3) and kwok
# (sigs.k8s.io/kwok). Binaries already there are skipped, so only the first run on a machine
# pays for the build (minutes with empty Go caches; docs/benchmarks.md has the measured times).
# With --real-node it also builds the node's NetworkPolicy enforcer (kit/go/cluster/netpol).
# Usage: kit/lab/cluster/build.sh [--real-node]   (prints the binary directory last)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

real_node=0
for arg in "$@"; do
  case $arg in
    --real-node) real_node=1 ;;
    *) echo "build.sh: unknown argument '$arg'; usage: build.sh [--real-node]" >&2; exit 2 ;;
  esac
done

command -v go >/dev/null || { echo "build.sh: Go is needed to build the control plane (go.dev/dl)" >&2; exit 1; }
mkdir -p "$BIN_DIR"
# An interrupted kwok-stages write leaves no partial file.
trap 'rm -f "$BIN_DIR"/.*.partial.$$' EXIT

# The version Kubernetes' own release build stamps in; without it the binaries
# report v0.0.0-master and kubectl warns about version skew.
k8s_minor=${K8S_VERSION#v1.}; k8s_minor=${k8s_minor%%.*}
kube_ldflags="-X k8s.io/component-base/version.gitVersion=$K8S_VERSION"
kube_ldflags+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$k8s_minor"
kube_ldflags+=" -X k8s.io/component-base/version.gitTreeState=clean"
kube_ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION"
kube_ldflags+=" -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$k8s_minor"

# The commands of the one kube binary: the names it is started as.
kube_commands=(kube-apiserver kube-controller-manager kube-scheduler kubeadm kubelet kube-proxy)
kube_built() {
  local command
  for command in "${kube_commands[@]}"; do [[ -x "$BIN_DIR/$command" ]] || return 1; done
}

# name | tool module | package | extra ldflags
targets=(
  "kube|kube|.|$kube_ldflags"
  "etcd|etcd|go.etcd.io/etcd/server/v3|"
  "kwok|kwok|sigs.k8s.io/kwok/cmd/kwok|"
)
if ((real_node)); then
  targets+=("${NETPOL_BIN#"$BIN_DIR/"}|netpol|.|")
fi

log "binaries: $BIN_DIR (kubernetes $K8S_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION)"
n=0
for target in "${targets[@]}"; do
  IFS='|' read -r name module pkg ldflags <<<"$target"
  n=$((n + 1))
  if [[ -x "$BIN_DIR/$name" ]] || { [[ $name == kube ]] && kube_built; }; then
    log "[$n/${#targets[@]}] $name: already built"
    continue
  fi
  log "[$n/${#targets[@]}] $name: building $pkg in kit/go/cluster/$module (a cold build takes minutes)"
  "$SANDBOX_ROOT/kit/pkg/common/go-build.sh" "cluster: [$n/${#targets[@]}] $name" "$GO_DIR/$module" "$pkg" \
    "$BIN_DIR/$name" "$ldflags"
done
for command in "${kube_commands[@]}"; do
  [[ -x "$BIN_DIR/$command" ]] || ln -sfn kube "$BIN_DIR/$command"
done

# kwok (>= 0.4) moves nodes and pods through "stages" and refuses to start
# without any. These are the defaults kwokctl uses (node-initialize, lease
# heartbeat, fast pod lifecycle), taken from the pinned kwok module itself.
if [[ ! -s "$BIN_DIR/kwok-stages.yaml" ]]; then
  kwok_src=$(cd "$GO_DIR/kwok" && go mod download -json sigs.k8s.io/kwok | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  for stage in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
               pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
    echo "---"
    cat "$kwok_src/kustomize/stage/$stage.yaml"
  done >"$BIN_DIR/.kwok-stages.yaml.partial.$$"
  mv "$BIN_DIR/.kwok-stages.yaml.partial.$$" "$BIN_DIR/kwok-stages.yaml"
fi

log "all ${#targets[@]} binaries ready in $SECONDS s"
echo "$BIN_DIR"
