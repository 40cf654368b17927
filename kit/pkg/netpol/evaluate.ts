// Which connections a set of NetworkPolicy objects allows, by the semantics of networking.k8s.io/v1
// (the API reference and the upstream NetworkPolicy e2e tests): a pod is isolated for ingress
// (egress) when some policy in its namespace selects it and lists Ingress (Egress) in its
// policyTypes; an isolated pod admits only what some rule of those policies matches; a connection
// needs both the source's egress and the destination's ingress. Used to derive the expected
// cells of the real node's connectivity table from the manifests in dist/, and checked against
// the fixtures in kit/pkg/netpol/test/ and against the real node's enforcer (the table's e2e test).
// Written by hand because no Node package evaluates NetworkPolicy; it reads plain parsed YAML,
// never the app's constructs. Label selection is kit/pkg/common/kube.ts's, proven against Kubernetes'.
// Kept over policy-assistant (SIG Network): the Go module proxy does not serve its module, and
// the sigs.k8s.io/network-policy-api releases it serves (v0.1.1, v0.3.0) do not contain it.
import { type KubeObject, getPath, labelSelector, selects } from '../common/kube';

/** One end of a connection: a pod (namespace, labels, IP, named ports) or a bare IP (the node, an outside address). */
export type Endpoint =
  | {
      readonly kind: 'pod';
      readonly name: string;
      readonly namespace: string;
      readonly labels: Readonly<Record<string, string>>;
      readonly ip: string;
      /** containerPort by port name, for rules that name a port. */
      readonly namedPorts?: Readonly<Record<string, number>>;
    }
  | { readonly kind: 'ip'; readonly name: string; readonly ip: string };

/** A connection to judge: `from` opens a `protocol` connection to `to` on `port`. */
export interface Connection {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: string;
}

/** The verdict and the policies that decided it, for the table's output. */
export interface Verdict {
  readonly allowed: boolean;
  /** Why: e.g. `egress: not isolated; ingress: allowed by fib-client-network-policy`. */
  readonly reason: string;
}

/** The cluster the policies live in: the NetworkPolicy objects and every namespace's labels. */
export interface PolicySet {
  readonly policies: readonly KubeObject[];
  /** Labels of each namespace (namespaceSelector matches them); a namespace not listed has none. */
  readonly namespaceLabels: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The namespace of a policy whose manifest names none (dist/ leaves it to `kubectl -n`). */
  readonly defaultNamespace: string;
}

type Direction = 'Ingress' | 'Egress';

/** Whether `connection` is allowed by `set`, and why. */
export function evaluate(set: PolicySet, connection: Connection): Verdict {
  const protocol = connection.protocol ?? 'TCP';
  const egress = judge(set, 'Egress', connection.from, connection.to, connection.port, protocol);
  const ingress = judge(set, 'Ingress', connection.to, connection.from, connection.port, protocol);
  return {
    allowed: egress.allowed && ingress.allowed,
    reason: `egress: ${egress.reason}; ingress: ${ingress.reason}`,
  };
}

/** NetworkPolicy objects among `objects` (anything else is ignored). */
export function networkPolicies(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter((o) => o.kind === 'NetworkPolicy' && String(o.apiVersion) === 'networking.k8s.io/v1');
}

// One direction at one pod: `subject` is the pod the policies select (the source for egress, the
// destination for ingress), `peer` the other end.
function judge(
  set: PolicySet,
  direction: Direction,
  subject: Endpoint,
  peer: Endpoint,
  port: number,
  protocol: string,
): { allowed: boolean; reason: string } {
  if (subject.kind !== 'pod') {
    return { allowed: true, reason: 'not a pod' };
  }
  const isolating = set.policies.filter(
    (policy) =>
      namespaceOf(set, policy) === subject.namespace &&
      selects(
        labelSelector(getPath(policy, 'spec', 'podSelector'), `${nameOf(policy)}: spec.podSelector`),
        subject.labels,
      ) &&
      policyTypes(policy).includes(direction),
  );
  if (isolating.length === 0) {
    return { allowed: true, reason: 'not isolated' };
  }
  const key = direction === 'Ingress' ? 'ingress' : 'egress';
  const destination = direction === 'Ingress' ? subject : peer;
  const peerKey = direction === 'Ingress' ? 'from' : 'to';
  for (const policy of isolating) {
    const rules = getPath(policy, 'spec', key) ?? [];
    if (!Array.isArray(rules)) {
      throw new Error(`${nameOf(policy)}: spec.${key} must be a list (got ${JSON.stringify(rules)})`);
    }
    const matched = rules.some(
      (rule, index) =>
        portsMatch(getPath(rule, 'ports'), destination, port, protocol, `${nameOf(policy)}: spec.${key}[${index}]`) &&
        peersMatch(set, policy, getPath(rule, peerKey), peer, `${nameOf(policy)}: spec.${key}[${index}].${peerKey}`),
    );
    if (matched) {
      return { allowed: true, reason: `allowed by ${nameOf(policy)}` };
    }
  }
  return { allowed: false, reason: `denied: isolated by ${isolating.map(nameOf).join(', ')}, no rule matches` };
}

// spec.policyTypes, or its default: Ingress always, Egress when the policy has egress rules.
function policyTypes(policy: KubeObject): Direction[] {
  const types = getPath(policy, 'spec', 'policyTypes');
  if (types === undefined) {
    return getPath(policy, 'spec', 'egress') === undefined ? ['Ingress'] : ['Ingress', 'Egress'];
  }
  if (!Array.isArray(types) || types.some((t) => t !== 'Ingress' && t !== 'Egress')) {
    throw new Error(
      `${nameOf(policy)}: spec.policyTypes must list only Ingress and Egress (got ${JSON.stringify(types)})`,
    );
  }
  return types;
}

// A rule's ports: absent or empty matches every port; otherwise one entry must match.
function portsMatch(ports: unknown, destination: Endpoint, port: number, protocol: string, where: string): boolean {
  if (ports === undefined || (Array.isArray(ports) && ports.length === 0)) {
    return true;
  }
  if (!Array.isArray(ports)) {
    throw new Error(`${where}.ports must be a list (got ${JSON.stringify(ports)})`);
  }
  return ports.some((entry) => {
    if ((getPath(entry, 'protocol') ?? 'TCP') !== protocol) {
      return false;
    }
    const value = getPath(entry, 'port');
    if (value === undefined) {
      return true;
    }
    // A named port is the destination pod's containerPort of that name; a bare IP has none.
    const number = typeof value === 'string' && destination.kind === 'pod' ? destination.namedPorts?.[value] : value;
    if (typeof number !== 'number') {
      return false;
    }
    const endPort = getPath(entry, 'endPort');
    return typeof endPort === 'number' ? port >= number && port <= endPort : port === number;
  });
}

// A rule's peers: absent or empty matches every peer; otherwise one peer must match.
function peersMatch(set: PolicySet, policy: KubeObject, peers: unknown, peer: Endpoint, where: string): boolean {
  if (peers === undefined || (Array.isArray(peers) && peers.length === 0)) {
    return true;
  }
  if (!Array.isArray(peers)) {
    throw new Error(`${where} must be a list (got ${JSON.stringify(peers)})`);
  }
  return peers.some((entry, index) => {
    const at = `${where}[${index}]`;
    const ipBlock = getPath(entry, 'ipBlock');
    if (ipBlock !== undefined) {
      return ipBlockMatches(ipBlock, peer.ip, at);
    }
    // podSelector and namespaceSelector match pods only; the node and outside addresses are
    // reached only through an ipBlock.
    if (peer.kind !== 'pod') {
      return false;
    }
    const podSelector = getPath(entry, 'podSelector');
    const namespaceSelector = getPath(entry, 'namespaceSelector');
    if (podSelector === undefined && namespaceSelector === undefined) {
      throw new Error(`${at} must set ipBlock, podSelector or namespaceSelector (got ${JSON.stringify(entry)})`);
    }
    const namespaceOk =
      namespaceSelector === undefined
        ? peer.namespace === namespaceOf(set, policy)
        : selects(
            labelSelector(namespaceSelector, `${at}.namespaceSelector`),
            set.namespaceLabels[peer.namespace] ?? {},
          );
    return (
      namespaceOk &&
      (podSelector === undefined || selects(labelSelector(podSelector, `${at}.podSelector`), peer.labels))
    );
  });
}

// An ipBlock: the address is in cidr and in none of its except blocks. IPv4 only.
function ipBlockMatches(ipBlock: unknown, ip: string, where: string): boolean {
  const cidr = getPath(ipBlock, 'cidr');
  if (typeof cidr !== 'string') {
    throw new Error(`${where}.ipBlock.cidr must be a CIDR string such as 10.0.0.0/8 (got ${JSON.stringify(cidr)})`);
  }
  const except = getPath(ipBlock, 'except') ?? [];
  if (!Array.isArray(except)) {
    throw new Error(`${where}.ipBlock.except must be a list of CIDRs (got ${JSON.stringify(except)})`);
  }
  return (
    inCidr(ip, cidr, `${where}.ipBlock.cidr`) &&
    !except.some((block, index) => inCidr(ip, String(block), `${where}.ipBlock.except[${index}]`))
  );
}

/** Whether IPv4 address `ip` lies in `cidr`; throws naming `where` for anything else. */
export function inCidr(ip: string, cidr: string, where: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (bitsText === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) {
    throw new Error(`${where} must be an IPv4 CIDR such as 10.0.0.0/8 (got ${JSON.stringify(cidr)})`);
  }
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ipv4(ip, 'the address') & mask) >>> 0 === (ipv4(base, where) & mask) >>> 0;
}

function ipv4(address: string, where: string): number {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new Error(`${where} must be an IPv4 address (got ${JSON.stringify(address)}); IPv6 is not supported`);
  }
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

function namespaceOf(set: PolicySet, policy: KubeObject): string {
  return String(getPath(policy, 'metadata', 'namespace') ?? set.defaultNamespace);
}

function nameOf(policy: KubeObject): string {
  return String(getPath(policy, 'metadata', 'name') ?? '(no name)');
}
