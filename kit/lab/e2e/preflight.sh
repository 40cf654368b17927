#!/usr/bin/env bash
# Before the e2e test runs against an existing cluster (KUBECONFIG, see run.sh): the cluster
# answers, and every NodePort dist/ asks for is free. One held by a namespace that is still
# Terminating (a previous run's) is waited for, up to 180 s; one held by anything else is a
# clear failure, since the test never touches objects it did not create.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."

err=$(mktemp)
trap 'rm -f "$err"' EXIT
if ! kubectl version --request-timeout=10s >/dev/null 2>"$err"; then
  echo "e2e: the cluster of KUBECONFIG=${KUBECONFIG:-~/.kube/config} does not answer:" >&2
  cat "$err" >&2
  exit 1
fi
deadline=$((SECONDS + 180))
for port in $(awk '$1 == "nodePort:" { print $2 }' dist/*.yaml | sort -u); do
  while holders=$(kubectl get services --all-namespaces \
    -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name} {.spec.ports[*].nodePort}{"\n"}{end}' |
    awk -v port="$port" '{ for (i = 2; i <= NF; i++) if ($i == port) print $1 }') && [[ -n $holders ]]; do
    namespace=${holders%%/*}
    if [[ $(kubectl get namespace "$namespace" -o jsonpath='{.status.phase}') != Terminating ]]; then
      echo "e2e: NodePort $port, which dist/ uses, is held by Service $holders on that cluster." >&2
      echo "Delete that Service (or its namespace) first: this test never touches objects it did not create." >&2
      exit 1
    fi
    if ((SECONDS > deadline)); then
      echo "e2e: NodePort $port is still held by Service $holders, whose namespace has been Terminating for 180 s." >&2
      exit 1
    fi
    echo "e2e: waiting for namespace $namespace (Terminating) to release NodePort $port"
    sleep 2
  done
done
echo "e2e: preflight passed: the cluster answers and NodePort(s) $(awk '$1 == "nodePort:" { print $2 }' dist/*.yaml | sort -u | tr '\n' ' ')are free"
