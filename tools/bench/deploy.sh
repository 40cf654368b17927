#!/usr/bin/env bash
# What waiting costs: the sandbox (DIR, default dist/) deployed from nothing to "all healthy" on
# the cluster of $KUBECONFIG, in turns, ROUNDS times (default 3), each into a fresh namespace:
#   deploy   npm run apply (Helm, kstatus wait, endpoints), until it exits 0
#   kubectl  kubectl apply -f DIR && kubectl rollout status ... && kubectl wait ... (pods Ready,
#            the Service's endpoints ready): the same "healthy" by hand
#   bare     kubectl apply -f DIR alone: returns when the API server has stored the objects
# Prints one line per run and a Markdown table of medians (docs/benchmarks.md). Meant for the
# warm real node (images already on it):
#   flock /work/real-node.lock bash -c 'npm run cluster:up -- --real-node &&
#     KUBECONFIG=$HOME/.local/state/k8s-sandbox/kubeconfig bash tools/bench/deploy.sh; npm run cluster:down'
# (the kubeconfig path is the one cluster:up prints). Benchmarks only: no test depends on it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
rounds=${1:-3}
dir=${2:-dist}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "deploy bench: ROUNDS must be a positive integer (got $rounds)" >&2; exit 2; }
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

declare -A times
for round in $(seq "$rounds"); do
  for way in deploy kubectl bare; do
    ns=$(fresh_namespace "$way")
    started=$(date +%s.%N)
    "run_$way" "$ns"
    seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')
    times[$way]+="$seconds "
    printf 'round %s/%s  %-8s %6.2fs\n' "$round" "$rounds" "$way" "$seconds"
    # The nodePort is the cluster's: the next run needs it free.
    kubectl delete namespace "$ns" --wait=true >/dev/null
  done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
deploy=$(median <<<"${times[deploy]}")
by_hand=$(median <<<"${times[kubectl]}")
bare=$(median <<<"${times[bare]}")
printf '\n| from nothing to ... (%s rounds, median) | seconds |\n|---|---|\n' "$rounds"
printf '| `npm run apply` (Helm 4, kstatus wait, endpoints): all healthy | %.2f |\n' "$deploy"
printf '| `kubectl apply -f dist && kubectl rollout status && kubectl wait` (pods Ready, endpoints): all healthy | %.2f |\n' "$by_hand"
printf '| `kubectl apply -f dist` alone: stored, not yet running | %.2f |\n' "$bare"
printf '| what waiting adds over the bare apply: `npm run apply` / by hand | %.2f / %.2f |\n' \
  "$(awk -v a="$deploy" -v b="$bare" 'BEGIN {print a - b}')" "$(awk -v a="$by_hand" -v b="$bare" 'BEGIN {print a - b}')"
