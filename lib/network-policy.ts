// The NetworkPolicy of the sandbox's web servers: traffic in on the one port they serve, none out.
import type { Construct } from 'constructs';
import { IntOrString, KubeNetworkPolicy } from '../imports/k8s';

/** What differs between the sandbox's NetworkPolicies. */
export interface ServedPortNetworkPolicyOptions {
  /** Name of the NetworkPolicy. */
  readonly name: string;
  /** The labels of the pods it applies to; the NetworkPolicy carries them too. */
  readonly podLabels: Record<string, string>;
  /** The one TCP port the pods serve on. */
  readonly port: number;
}

/**
 * A NetworkPolicy that admits TCP traffic to the selected pods on `port` only, from any source
 * (a Service, a NodePort, a kubelet probe), and lets the pods open no connection: both images
 * only serve files they hold. It has effect where the cluster's network plugin enforces
 * NetworkPolicies; elsewhere it changes nothing.
 */
export function addServedPortNetworkPolicy(
  scope: Construct,
  id: string,
  options: ServedPortNetworkPolicyOptions,
): KubeNetworkPolicy {
  const { name, podLabels, port } = options;
  // The generated L1 class, not cdk8s-plus-27's NetworkPolicy: every rule of the L2 names a peer
  // (pods, namespaces or an IP block), and "any source, this port" is a rule without `from`.
  return new KubeNetworkPolicy(scope, id, {
    metadata: { name, labels: podLabels },
    spec: {
      podSelector: { matchLabels: podLabels },
      // Listing Egress with no egress rule denies every outgoing connection.
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [{ protocol: 'TCP', port: IntOrString.fromNumber(port) }] }],
    },
  });
}
