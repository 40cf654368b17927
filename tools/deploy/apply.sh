#!/usr/bin/env bash
# npm run apply -- [DIR] [kubectl flags]: makes the cluster match DIR (default dist/), deleting
# what an earlier `npm run apply` created and DIR no longer holds, and nothing else.
#
# It is kubectl's ApplySet (KEP-3659): kubectl labels every object it applies
# `applyset.kubernetes.io/part-of=<id>`, records the set in a parent Secret named k8s-sandbox in
# the target namespace, and after applying prunes only objects that carry that label and are
# gone from DIR. Objects someone made by hand in the same namespace have no such label and are
# never touched. Extra arguments go to kubectl (e.g. -n NAMESPACE, --dry-run=server);
# $KUBECTL names another kubectl binary.
# Needs kubectl 1.29 or later: 1.27 and 1.28 use another parent annotation and refuse a set
# written by kubectl 1.29-1.33 (checked with the versions on the development machine).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

dir=dist
if [[ $# -gt 0 && $1 != -* ]]; then
  dir=$1
  shift
fi
[[ -d $dir ]] || { echo "npm run apply: no directory $dir (run npm run synth first)" >&2; exit 2; }

kubectl=${KUBECTL:-kubectl}
minor=$("$kubectl" version --client -o json | sed -nE 's/^ *"minor": "([0-9]+).*/\1/p' | head -n 1)
if [[ -z $minor ]] || ((minor < 29)); then
  echo "npm run apply: needs kubectl 1.29 or later for --applyset (this is 1.${minor:-?})" >&2
  exit 2
fi

# ApplySet wants the namespace on the command line; take the context's, as plain apply does.
namespace=()
if [[ " $* " != *" -n "* && " $* " != *" --namespace"* && " $* " != *" -n="* ]]; then
  context_namespace=$("$kubectl" config view --minify -o 'jsonpath={..namespace}' 2>/dev/null || true)
  namespace=(--namespace="${context_namespace:-default}")
fi

set -x
KUBECTL_APPLYSET=true "$kubectl" apply --prune --applyset=k8s-sandbox -f "$dir" "${namespace[@]}" "$@"
