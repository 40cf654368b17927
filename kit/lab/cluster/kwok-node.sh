#!/usr/bin/env bash
# Creates fake nodes that the kwok of kit/lab/cluster/up.sh (kwok mode) plays the kubelet of, and
# waits until each is Ready: up.sh makes kwok-node-0 with it, the multi-node e2e test
# (kit/lab/e2e/nodes.test.ts) more. Each is a mid-size node (16 CPUs, 64Gi, 100Gi of ephemeral
# storage, 110 pods) labelled type=kwok and with its name as kubernetes.io/hostname.
# Usage: kwok-node.sh NAME...      (against the cluster in $STATE_DIR)
# Not kwokctl scale node: it adds nodes only to a cluster that kwokctl created (it finds the
# cluster's kubeconfig in kwokctl's own workdir), named by its template (node-000000, ...).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
(($# > 0)) || { echo "kwok-node.sh: no node named; usage: kwok-node.sh NAME..." >&2; exit 2; }
export KUBECONFIG="$STATE_DIR/kubeconfig"
for name in "$@"; do
  log "creating fake node $name (kwok marks it Ready)"
  # kwok manages only nodes with the annotation kwok.x-k8s.io/node=fake (its
  # --manage-nodes-with-annotation-selector, components.sh).
  kubectl create -f - >/dev/null <<NODE
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: $name
    kubernetes.io/os: linux
    type: kwok
# What the scheduler fits pods into: a mid-size node, with ephemeral storage
# (kwok's own default has none, so any pod requesting it would stay Pending).
status:
  capacity: &resources
    cpu: "16"
    memory: 64Gi
    ephemeral-storage: 100Gi
    pods: "110"
  allocatable: *resources
NODE
done
for name in "$@"; do
  kubectl wait --for=condition=Ready "node/$name" --timeout=60s >/dev/null
done
