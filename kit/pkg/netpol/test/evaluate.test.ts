// The NetworkPolicy evaluator on fixtures: each case is a rule of the API reference or of the
// upstream NetworkPolicy e2e tests, with the connection that tells it apart from its neighbours.
import { type Connection, type Endpoint, type PolicySet, evaluate, inCidr } from '../evaluate';

const pod = (name: string, labels: Record<string, string>, ip: string, namespace = 'app'): Endpoint => ({
  kind: 'pod',
  name,
  namespace,
  labels,
  ip,
  namedPorts: { http: 80 },
});
const web = pod('web', { app: 'web' }, '10.244.0.10');
const client = pod('client', { app: 'client' }, '10.244.0.11');
const other = pod('other', { app: 'client' }, '10.244.0.12', 'other');
const node: Endpoint = { kind: 'ip', name: 'node', ip: '10.244.0.1' };

function policy(name: string, spec: Record<string, unknown>, namespace?: string) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec,
  };
}
function set(...policies: ReturnType<typeof policy>[]): PolicySet {
  return { policies, namespaceLabels: { app: { team: 'a' }, other: { team: 'b' } }, defaultNamespace: 'app' };
}
const allowed = (s: PolicySet, c: Connection) => evaluate(s, c).allowed;

describe('isolation', () => {
  test('no policy: everything is allowed', () => {
    expect(allowed(set(), { from: client, to: web, port: 80 })).toBe(true);
  });

  test('a policy selecting no pod isolates nothing', () => {
    const s = set(policy('p', { podSelector: { matchLabels: { app: 'none' } }, policyTypes: ['Ingress'] }));
    expect(allowed(s, { from: client, to: web, port: 80 })).toBe(true);
  });

  test('a policy in another namespace does not isolate the pod', () => {
    const s = set(policy('p', { podSelector: {}, policyTypes: ['Ingress'] }, 'other'));
    expect(allowed(s, { from: client, to: web, port: 80 })).toBe(true);
  });

  test('default deny ingress: {} selects every pod; nothing comes in, going out is still allowed', () => {
    const s = set(policy('deny', { podSelector: {}, policyTypes: ['Ingress'] }));
    expect(evaluate(s, { from: client, to: web, port: 80 })).toEqual({
      allowed: false,
      reason: 'egress: not isolated; ingress: denied: isolated by deny, no rule matches',
    });
    expect(allowed(s, { from: web, to: node, port: 80 })).toBe(true);
  });

  test('without policyTypes a policy isolates ingress only, or both when it has egress rules', () => {
    const ingressOnly = set(policy('p', { podSelector: { matchLabels: { app: 'web' } } }));
    expect(allowed(ingressOnly, { from: web, to: node, port: 80 })).toBe(true);
    const both = set(policy('p', { podSelector: { matchLabels: { app: 'web' } }, egress: [] }));
    expect(allowed(both, { from: web, to: node, port: 80 })).toBe(false);
  });

  test('Egress with no egress rule denies every connection the pod opens, to pods and to IPs', () => {
    const s = set(policy('p', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'] }));
    expect(allowed(s, { from: web, to: client, port: 80 })).toBe(false);
    expect(allowed(s, { from: web, to: node, port: 80 })).toBe(false);
    expect(allowed(s, { from: client, to: web, port: 80 })).toBe(true);
  });

  test('a connection needs the egress of the source and the ingress of the destination', () => {
    const s = set(policy('p', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}] }));
    expect(evaluate(s, { from: client, to: web, port: 80 }).reason).toBe(
      'egress: denied: isolated by p, no rule matches; ingress: allowed by p',
    );
    expect(allowed(s, { from: client, to: web, port: 80 })).toBe(false);
  });

  test('policies add up: one allowing is enough', () => {
    const s = set(
      policy('deny', { podSelector: {}, policyTypes: ['Ingress'] }),
      policy('allow', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 80 }] }] }),
    );
    expect(allowed(s, { from: client, to: web, port: 80 })).toBe(true);
  });
});

describe('ports', () => {
  const s = (ports: unknown[]) =>
    set(policy('p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports }] }));

  test('a port number matches that port only, with protocol TCP by default', () => {
    expect(allowed(s([{ port: 80 }]), { from: client, to: web, port: 80 })).toBe(true);
    expect(allowed(s([{ port: 80 }]), { from: client, to: web, port: 81 })).toBe(false);
    expect(allowed(s([{ port: 80 }]), { from: client, to: web, port: 80, protocol: 'UDP' })).toBe(false);
    expect(allowed(s([{ port: 80, protocol: 'UDP' }]), { from: client, to: web, port: 80, protocol: 'UDP' })).toBe(
      true,
    );
  });

  test('endPort makes a range, both ends included', () => {
    const range = s([{ port: 8000, endPort: 8010 }]);
    expect([7999, 8000, 8010, 8011].map((port) => allowed(range, { from: client, to: web, port }))).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });

  test("a named port is the destination's containerPort of that name", () => {
    expect(allowed(s([{ port: 'http' }]), { from: client, to: web, port: 80 })).toBe(true);
    expect(allowed(s([{ port: 'metrics' }]), { from: client, to: web, port: 80 })).toBe(false);
  });

  test('a protocol without a port matches every port of that protocol', () => {
    expect(allowed(s([{ protocol: 'TCP' }]), { from: client, to: web, port: 1234 })).toBe(true);
  });
});

describe('peers', () => {
  const from = (peers: unknown[]) =>
    set(policy('p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: peers }] }));

  test('podSelector alone: pods of the policy namespace only', () => {
    const s = from([{ podSelector: { matchLabels: { app: 'client' } } }]);
    expect(allowed(s, { from: client, to: web, port: 80 })).toBe(true);
    expect(allowed(s, { from: other, to: web, port: 80 })).toBe(false);
    expect(allowed(s, { from: node, to: web, port: 80 })).toBe(false);
  });

  test('namespaceSelector alone: every pod of the matching namespaces', () => {
    const s = from([{ namespaceSelector: { matchLabels: { team: 'b' } } }]);
    expect(allowed(s, { from: other, to: web, port: 80 })).toBe(true);
    expect(allowed(s, { from: client, to: web, port: 80 })).toBe(false);
  });

  test('namespaceSelector and podSelector in one peer: both must match', () => {
    const s = from([{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'client' } } }]);
    expect(allowed(s, { from: other, to: web, port: 80 })).toBe(true);
    expect(allowed(s, { from: web, to: web, port: 80 })).toBe(false);
  });

  test('ipBlock matches by address, minus except; the node is reached only this way', () => {
    const s = from([{ ipBlock: { cidr: '10.244.0.0/24', except: ['10.244.0.8/29'] } }]);
    expect(allowed(s, { from: node, to: web, port: 80 })).toBe(true);
    // other is 10.244.0.12, inside the except block 10.244.0.8/29.
    expect(allowed(s, { from: other, to: web, port: 80 })).toBe(false);
  });

  test('a bad peer is refused with where it is and what was received', () => {
    expect(() => evaluate(from([{}]), { from: client, to: web, port: 80 })).toThrow(
      'p: spec.ingress[0].from[0] must set ipBlock, podSelector or namespaceSelector (got {})',
    );
    expect(() => evaluate(from([{ ipBlock: { cidr: 'fd00::/8' } }]), { from: client, to: web, port: 80 })).toThrow(
      'p: spec.ingress[0].from[0].ipBlock.cidr must be an IPv4 address (got "fd00::"); IPv6 is not supported',
    );
  });
});

describe('CIDRs', () => {
  test.each([
    ['10.244.0.12', '10.244.0.8/29', true],
    ['10.244.0.16', '10.244.0.8/29', false],
    ['192.168.1.1', '0.0.0.0/0', true],
    ['10.244.0.1', '10.244.0.1/32', true],
  ])('%s in %s: %s', (ip, cidr, expected) => {
    expect(inCidr(ip, cidr, 'cidr')).toBe(expected);
  });

  test('a CIDR without a prefix length is refused', () => {
    expect(() => inCidr('10.0.0.1', '10.0.0.0', 'p: cidr')).toThrow(
      'p: cidr must be an IPv4 CIDR such as 10.0.0.0/8 (got "10.0.0.0")',
    );
  });
});

test('bad policyTypes are refused with the value received', () => {
  const s = set(policy('p', { podSelector: {}, policyTypes: ['ingress'] }));
  expect(() => evaluate(s, { from: client, to: web, port: 80 })).toThrow(
    'p: spec.policyTypes must list only Ingress and Egress (got ["ingress"])',
  );
});

test('a selector Kubernetes refuses is refused, naming where (label selection is kit/pkg/common/kube.ts)', () => {
  const s = set(policy('p', { podSelector: { matchExpressions: [{ key: 'a', operator: 'Gt' }] } }));
  expect(() => evaluate(s, { from: client, to: web, port: 80 })).toThrow(
    'p: spec.podSelector.matchExpressions[0].operator must be In, NotIn, Exists or DoesNotExist (got "Gt")',
  );
  expect(() => evaluate(set(policy('p', {})), { from: client, to: web, port: 80 })).toThrow(
    'p: spec.podSelector is missing (an empty selector {} selects everything)',
  );
});
