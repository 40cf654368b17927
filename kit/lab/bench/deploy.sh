#!/usr/bin/env bash
# What waiting costs: the sandbox (DIR, default dist/) deployed from nothing to "all healthy" on
# the cluster of $KUBECONFIG, in turns, ROUNDS times (default 3), each into a fresh namespace:
#   deploy   npm run apply (Helm, kstatus wait, endpoints), until it exits 0
#   kubectl  kubectl apply -f DIR && kubectl rollout status ... && kubectl wait ... (pods Ready,
#            the Service's endpoints ready): the same "healthy" by hand
#   bare     kubectl apply -f DIR alone: returns when the API server has stored the objects
# after one untimed run of the first two (the first pods after cluster:up start slower).
# Then what a failure costs, FAIL_ROUNDS times (default 1; 0 leaves it out): DIR deployed, then
# a copy whose fib-client image tag does not exist, from the command until it has restored DIR:
#   failfast npm run apply, no --timeout (the default 5m), until it exits 1 having restored
#   helm     Helm alone on the same case: helm upgrade --install --wait=watcher
#            --rollback-on-failure with Helm's default --timeout (5m), the pinned Helm
# Prints one line per run, then writes the tables of medians, with every run, the date, the
# machine and its load averages before and after (the figures depend on them), into the deploy
# section of docs/benchmarks.md, between its markers (kit/lab/bench/deploy-doc.ts). Meant for the
# warm real node (images already on it):
#   npm run cluster:up -- --real-node &&
#     KUBECONFIG=$HOME/.local/state/k8s-sandbox/kubeconfig bash kit/lab/bench/deploy.sh; npm run cluster:down
# (the kubeconfig path is the one cluster:up prints). Benchmarks only: no test depends on it.
# Usage: kit/lab/bench/deploy.sh [ROUNDS] [DIR] [FAIL_ROUNDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
rounds=${1:-3}
dir=${2:-dist}
fail_rounds=${3:-1}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "deploy bench: ROUNDS must be a positive integer (got $rounds)" >&2; exit 2; }
[[ $fail_rounds =~ ^[0-9]+$ ]] || { echo "deploy bench: FAIL_ROUNDS must be a whole number (got $fail_rounds)" >&2; exit 2; }
[[ -d $dir ]] || { echo "deploy bench: no directory $dir (run npm run synth first)" >&2; exit 2; }
kubectl get --raw=/readyz >/dev/null || { echo "deploy bench: the cluster of \$KUBECONFIG does not answer" >&2; exit 2; }

service=$(kubectl apply -f "$dir" --dry-run=client -o jsonpath='{range .items[?(@.kind=="Service")]}{.metadata.name}{end}')
deployment=$(kubectl apply -f "$dir" --dry-run=client -o jsonpath='{range .items[?(@.kind=="Deployment")]}{.metadata.name}{end}')

fresh_namespace() {
  local ns=k8s-sandbox-bench-$1-$RANDOM
  kubectl create namespace "$ns" >/dev/null
  kubectl label namespace "$ns" pod-security.kubernetes.io/enforce=restricted >/dev/null
  until kubectl get serviceaccount default -n "$ns" >/dev/null 2>&1; do sleep 0.2; done
  echo "$ns"
}

run_deploy() { npm run -s apply -- "$dir" -n "$1" >/dev/null; }
run_kubectl() {
  kubectl apply -f "$dir" -n "$1" >/dev/null &&
    kubectl rollout status "deployment/$deployment" -n "$1" --timeout=300s >/dev/null &&
    kubectl wait --for=condition=Ready pods --all -n "$1" --timeout=300s >/dev/null &&
    kubectl wait endpointslices -n "$1" -l "kubernetes.io/service-name=$service" \
      --for='jsonpath={.endpoints[0].conditions.ready}=true' --timeout=300s >/dev/null
}
run_bare() { kubectl apply -f "$dir" -n "$1" >/dev/null; }

# Seconds from a `date +%s.%N` reading until now, to the hundredth.
seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}'; }

# One untimed run of each first: the first pods after cluster:up start slower (the node's first
# pulls and container starts), and would count against whichever command ran first.
for way in deploy kubectl; do
  ns=$(fresh_namespace "$way")
  "run_$way" "$ns"
  kubectl delete namespace "$ns" --wait=true >/dev/null
done
echo "warmed up: one untimed run of npm run apply and of kubectl"

load_average() { cut -d' ' -f1-3 /proc/loadavg | sed 's/ /, /g'; }
load_before=$(load_average)
declare -A times
for round in $(seq "$rounds"); do
  for way in deploy kubectl bare; do
    ns=$(fresh_namespace "$way")
    started=$(date +%s.%N)
    "run_$way" "$ns"
    seconds=$(seconds_since "$started")
    times[$way]+="$seconds "
    printf 'round %s/%s  %-8s %6.2fs\n' "$round" "$rounds" "$way" "$seconds"
    # The nodePort is the cluster's: the next run needs it free.
    kubectl delete namespace "$ns" --wait=true >/dev/null
  done
done

# The failure: DIR with the fib-client's image tag changed to one the registry lacks.
declare -A fail_times
helm_outcome=""
if ((fail_rounds > 0)); then
  work=$(mktemp -d "${TMPDIR:-/tmp}/k8s-sandbox-bench.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/bad" "$work/good-chart/templates" "$work/bad-chart/templates"
  cp "$dir"/*.yaml "$work/bad/"
  sed -i -E 's#^( *- image: rgederin/fib-client-standalone-k8s)(:[^ ]*)?$#\1:no-such-tag#' "$work/bad/"*.yaml
  grep -q 'fib-client-standalone-k8s:no-such-tag' "$work/bad/"*.yaml ||
    { echo "deploy bench: no fib-client image in $dir to break" >&2; exit 2; }
  # Helm alone needs a chart: the same files as its templates (dist/ holds no template syntax).
  for chart in good bad; do
    printf 'apiVersion: v2\nname: k8s-sandbox\nversion: 0.1.0\n' >"$work/$chart-chart/Chart.yaml"
  done
  cp "$dir"/*.yaml "$work/good-chart/templates/"
  cp "$work/bad/"*.yaml "$work/bad-chart/templates/"
  helm=$(node -r ./kit/pkg/loader/ts-register.js -e \
    'require("./kit/pkg/common/go-tools").goTool("helm", (l) => console.error(l)).then((b) => console.log(b))')

  fail_failfast() {
    npm run -s apply -- "$dir" -n "$1" >/dev/null
    started=$(date +%s.%N)
    if npm run -s apply -- "$work/bad" -n "$1" >"$work/out" 2>&1 || ! grep -q '^\[.*\] restored revision 1$' "$work/out"; then
      cat "$work/out" >&2
      echo "deploy bench: npm run apply did not fail and restore" >&2
      exit 1
    fi
  }
  fail_helm() {
    "$helm" upgrade --install k8s-sandbox "$work/good-chart" -n "$1" --wait=watcher >/dev/null
    started=$(date +%s.%N)
    # Helm's kstatus wait may take the bare Pod as Ready before the kubelet has tried the new image
    # (the old container still runs): then Helm exits 0, and neither fails nor restores.
    if "$helm" upgrade --install k8s-sandbox "$work/bad-chart" -n "$1" --wait=watcher --rollback-on-failure \
      >"$work/out" 2>&1; then
      helm_outcome="exit 0: it took the missing image as deployed, restored nothing"
    fi
  }
  for round in $(seq "$fail_rounds"); do
    for way in failfast helm; do
      ns=$(fresh_namespace "$way")
      "fail_$way" "$ns"
      seconds=$(seconds_since "$started")
      fail_times[$way]+="$seconds "
      printf 'failure round %s/%s  %-8s %6.2fs\n' "$round" "$fail_rounds" "$way" "$seconds"
      kubectl delete namespace "$ns" --wait=true >/dev/null
    done
  done
fi

# The runs as JSON numbers, for kit/lab/bench/deploy-doc.ts.
runs() { local values; read -ra values <<<"${1:-}"; local IFS=,; echo "[${values[*]}]"; }
printf '{"rounds":%s,"dir":"%s","failRounds":%s,"loadBefore":"%s","loadAfter":"%s","deploy":%s,"kubectl":%s,"bare":%s,"failfast":%s,"helm":%s,"helmOutcome":"%s"}\n' \
  "$rounds" "$dir" "$fail_rounds" "$load_before" "$(load_average)" "$(runs "${times[deploy]}")" "$(runs "${times[kubectl]}")" \
  "$(runs "${times[bare]}")" "$(runs "${fail_times[failfast]:-}")" "$(runs "${fail_times[helm]:-}")" "$helm_outcome" |
  node -r ./kit/pkg/loader/ts-register.js kit/lab/bench/deploy-doc.ts
