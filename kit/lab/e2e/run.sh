#!/usr/bin/env bash
# Runs an end-to-end test: dist/ applied with kubectl to a real Kubernetes control plane.
#   npm run test:e2e:node                       kit/lab/e2e/real-node, deploy-node, dev-node, network-policy and routes.test.ts on a local cluster
#                                               with a real node (up.sh --real-node: containerd,
#                                               kubelet, kube-proxy, stand-in images); needs
#                                               root; always the local cluster. After it stops
#                                               the cluster, down.sh checks that the node left
#                                               nothing on the machine
#   run.sh --faults                             kit/lab/e2e/faults.test.ts on the same real node: the
#                                               fault matrix under load, the second half of
#                                               npm run test:e2e:faults; both write kit/docs/reliability.md
#   E2E_NODES=2 npm run test:e2e:node           the real-node suites in one start of E2E_NODES real
#                                               nodes (up.sh --real-node --nodes E2E_NODES): those
#                                               of npm run test:e2e:node (the NetworkPolicy table
#                                               across nodes), multi-node.test.ts (the page on every
#                                               node's InternalIP, replicas spread) and
#                                               node-loss.test.ts (a node lost and drained under
#                                               load); what CI's node lane runs
#   run.sh --nodes                              kit/lab/e2e/nodes.test.ts on a kwok cluster of its own
#                                               (always local: it adds fake nodes), the first half
#                                               of npm run test:e2e:faults
#   npm run test:e2e                            kit/lab/e2e/dist-on-cluster, upgrade, deploy-target, preview, update-rules, added-containers, api-server-parity, corpus-parity and installed-app.test.ts: builds (first time only) and starts the
#                                               local control plane (kit/lab/cluster),
#                                               runs the test, and always stops it again
#   KUBECONFIG=~/.kube/config npm run test:e2e  runs against that cluster (kind, Docker
#                                               Desktop, a cloud cluster); starts nothing
#   E2E_CLUSTER=local                           forces the local control plane even when
#                                               KUBECONFIG is set
# Extra arguments go to jest (e.g. -t nodePort). The last line is the result,
# 'e2e: N passed, N failed'.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$root"

real_node=false
faults=false
nodes=false
case ${1:-} in
  --real-node) real_node=true; shift ;;
  --faults) real_node=true faults=true; shift ;;
  --nodes) nodes=true; shift ;;
esac

# How many real nodes a real-node run starts (up.sh --nodes): 1 unless E2E_NODES says more.
export E2E_NODES=${E2E_NODES:-1}
if [[ ! $E2E_NODES =~ ^[1-9]$ ]]; then
  echo "e2e: E2E_NODES must be a whole number from 1 to 9 (got '$E2E_NODES'); e.g. E2E_NODES=2 npm run test:e2e:node" >&2
  exit 2
fi

# The suites test the manifests as they are, the files `kubectl apply -f dist` applies: they do
# not synthesize the app (CI has just written dist/). Refuse before a cluster starts when there
# are none, or when dist/ (the default, unlike a folder named in E2E_DIST_DIR) is older than the
# app's sources, and say how old they are.
dist=${E2E_DIST_DIR:-dist}
node -r ./kit/pkg/loader/ts-register.js -e '
  const fs = require("node:fs");
  try {
    if (process.argv[2] !== "named") {
      require("./kit/pkg/common/synth-stamp").requireFresh(process.argv[1], "name it (E2E_DIST_DIR=dist)");
    }
    const files = require("./kit/pkg/common/manifests").manifestFiles(process.argv[1]);
    const written = new Date(Math.min(...files.map((file) => fs.statSync(file).mtimeMs)));
    const count = files.length === 1 ? "1 file" : `${files.length} files`;
    console.log(`e2e: testing ${count} of ${process.argv[1]}/ as written at ` +
      `${written.toISOString().replace(/\.\d+Z$/, "Z")}; after changing the app, run npm run synth first`);
  } catch (error) {
    console.error(`e2e: ${error.message}`);
    process.exit(2);
  }' "$dist" "${E2E_DIST_DIR:+named}"

# Unique per run; chosen here so that teardown can remove it whatever happens.
export E2E_NAMESPACE=${E2E_NAMESPACE:-k8s-sandbox-e2e-$(date +%s)-$RANDOM}
# Everything this run writes (cluster state, the test's broken copies of dist,
# the result line) goes under one directory, removed at the end.
work=$(mktemp -d "${TMPDIR:-/tmp}/k8s-sandbox-e2e.XXXXXX")
export E2E_SUMMARY_FILE="$work/summary"
local_cluster=false

# Teardown on every way out (pass, fail, Ctrl-C, kill), then the result line.
# The INT/TERM traps turn a signal into an exit, so this runs once, after jest.
finish() {
  local status=$?
  trap - EXIT INT TERM
  local cleanup_failed=0
  if $local_cluster; then
    kit/lab/cluster/down.sh || cleanup_failed=1
  elif [[ -n ${KUBECONFIG:-} ]]; then
    kubectl delete namespace "$E2E_NAMESPACE" --ignore-not-found --wait=false >/dev/null || true
  fi
  if [[ -s $E2E_SUMMARY_FILE ]] && ((cleanup_failed)); then
    # The cleanup check counts as one more test, which failed.
    local passed failed
    read -r passed failed < <(sed -E 's/^e2e: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/' "$E2E_SUMMARY_FILE")
    echo "e2e: cluster:down failed or left things behind (see above)"
    echo "e2e: $passed passed, $((failed + 1)) failed"
    status=1
  elif [[ -s $E2E_SUMMARY_FILE ]]; then
    cat "$E2E_SUMMARY_FILE"
  else
    echo "e2e: no test ran to the end (setup failed or interrupted; see above)"
    echo "e2e: 0 passed, 1 failed"
    ((status != 0)) || status=1
  fi
  rm -rf "$work"
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! $real_node && ! $nodes && [[ -n ${KUBECONFIG:-} && ${E2E_CLUSTER:-} != local ]]; then
  echo "e2e: KUBECONFIG is set, so this run tests that cluster: context $(kubectl config current-context)," \
    "server $(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
  echo "e2e: (E2E_CLUSTER=local npm run test:e2e tests a local cluster of its own instead)"
  kit/lab/e2e/preflight.sh
  export E2E_LOCAL_CLUSTER=0
else
  echo "e2e: this run tests a local cluster of its own ($($real_node && echo "real node" || echo "kwok node"))," \
    "started now and stopped at the end"
  # A cluster of its own, in its own state dir and on its own ports, so a
  # sandbox a user has up (npm run cluster:up) is left alone.
  export K8S_SANDBOX_STATE_DIR="$work/cluster" K8S_SANDBOX_PORT_BASE=${E2E_PORT_BASE:-17000}
  local_cluster=true
  if $real_node; then
    kit/lab/cluster/up.sh --real-node --nodes "$E2E_NODES"
  else
    kit/lab/cluster/up.sh
  fi
  if $real_node; then
    export E2E_CONTAINERD_SOCKET="$K8S_SANDBOX_STATE_DIR/node/containerd/containerd.sock"
    # Every node's containerd socket, and the network namespaces of nodes 2..N (none on one node).
    E2E_CONTAINERD_SOCKETS=$(source kit/lab/cluster/env.sh && for ((i = 1; i <= NODE_COUNT; i++)); do
      use_node "$i" && echo "$CONTAINERD_SOCKET"; done | paste -sd' ')
    E2E_NODE_NETNS=$(source kit/lab/cluster/env.sh && for ((i = 2; i <= NODE_COUNT; i++)); do
      use_node "$i" && echo "$NODE_NETNS"; done | paste -sd' ')
    export E2E_CONTAINERD_SOCKETS E2E_NODE_NETNS
    # The chain that feeds the node's NetworkPolicy enforcer (network-policy.test.ts takes its
    # hooks out to show what "not enforced" looks like).
    E2E_NETPOL_CHAIN=$(source kit/lab/cluster/env.sh && echo "$NETPOL_CHAIN")
    # The node's local registry (the docker.io mirror): deploy-node.test.ts pushes a tag to it.
    E2E_REGISTRY=127.0.0.1:$(source kit/lab/cluster/env.sh && echo "$REGISTRY_PORT")
    export E2E_NETPOL_CHAIN E2E_REGISTRY
    # The ranges routes.test.ts asks the kernel's route lookup about: the Services', the pods'
    # and each node's pod subnet.
    E2E_SERVICE_CIDR=$(source kit/lab/cluster/env.sh && echo "$SERVICE_CIDR")
    E2E_CLUSTER_CIDR=$(source kit/lab/cluster/env.sh && echo "$CLUSTER_CIDR")
    E2E_POD_SUBNETS=$(source kit/lab/cluster/env.sh && for ((i = 1; i <= NODE_COUNT; i++)); do
      use_node "$i" && echo "$POD_SUBNET"; done | paste -sd' ')
    export E2E_SERVICE_CIDR E2E_CLUSTER_CIDR E2E_POD_SUBNETS
  fi
  export KUBECONFIG="$K8S_SANDBOX_STATE_DIR/kubeconfig" E2E_LOCAL_CLUSTER=1
fi

if $faults; then
  test_file=(kit/lab/e2e/faults.test.ts)
elif $real_node && ((E2E_NODES > 1)); then
  # Every real-node file in one start: the page on every node, the replicas spread, the
  # NetworkPolicy table across nodes, a node lost and a node drained under load. Each file has its
  # own namespace and frees NodePort 31515 when it ends. The fault matrix stops node 1's parts
  # only, so it is npm run test:e2e:faults' on one node.
  test_file=(kit/lab/e2e/real-node.test.ts kit/lab/e2e/deploy-node.test.ts kit/lab/e2e/dev-node.test.ts
    kit/lab/e2e/network-policy.test.ts kit/lab/e2e/multi-node.test.ts kit/lab/e2e/node-loss.test.ts
    kit/lab/e2e/routes.test.ts)
elif $nodes; then
  test_file=(kit/lab/e2e/nodes.test.ts)
elif $real_node; then
  # kubectl apply -f dist; npm run apply's waits, failures and restores; npm run dev's loop on
  # saves; the NetworkPolicy connectivity table. Jest picks their order; each frees NodePort
  # 31515 when it ends.
  test_file=(kit/lab/e2e/real-node.test.ts kit/lab/e2e/deploy-node.test.ts kit/lab/e2e/dev-node.test.ts
    kit/lab/e2e/network-policy.test.ts kit/lab/e2e/routes.test.ts)
else
  # dist/ applied once, the upgrade scenarios (npm run apply), where npm run apply puts objects
  # (contexts, namespaces), the diff's update rules and containers added to the constructs after
  # construction (dist-variants/), npm run apply's preview, and npm run check's api-server gate
  # against the API server's own verdicts (its corpus, server-side dry run), each in its own
  # namespace; and the same gate on real-world manifests (files of pinned Go modules, local
  # cluster only), which writes kit/docs/check-parity.md; and another cdk8s app, with the kit
  # installed from its tarball, previewing and deploying with npx sandbox-kit apply.
  test_file=(kit/lab/e2e/dist-on-cluster.test.ts kit/lab/e2e/upgrade.test.ts kit/lab/e2e/deploy-target.test.ts
    kit/lab/e2e/preview.test.ts kit/lab/e2e/update-rules.test.ts kit/lab/e2e/added-containers.test.ts
    kit/lab/e2e/api-server-parity.test.ts kit/lab/e2e/corpus-parity.test.ts kit/lab/e2e/installed-app.test.ts)
fi
# One cluster, one namespace, steps in order: never run files in parallel. Rollouts on a real
# cluster (image pulls) can take minutes; the local one takes seconds.
TMPDIR="$work" node_modules/.bin/jest "${test_file[@]}" --selectProjects e2e --runInBand --testTimeout 300000 \
  --reporters default --reporters ./kit/lab/e2e/summary-reporter.js "$@"
