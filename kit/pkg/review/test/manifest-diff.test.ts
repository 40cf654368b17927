// The semantic manifest diff behind `npm run diff`, on known pairs of manifests: what counts as
// a change, which changes are flagged, and how the terminal and Markdown reports read.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type KubeObject, findObject, podTemplate } from '../../common/kube';
import { parseManifests } from '../../common/manifests';
import { formatPath } from '../../common/field-path';
import { type ManifestDiff, RULES_KUBERNETES_VERSION, diffManifests } from '../manifest-diff';
import { formatValue, markdownReport, textReport } from '../report';
import { sandboxObjects as sandbox } from '../../common/test/sandbox-fixture';

/** The pod specs inside the objects, to edit in place. */
function podSpecs(objects: KubeObject[]) {
  type Container = { ports: unknown[]; volumeMounts: unknown[] };
  return objects.flatMap((o) => {
    const template = podTemplate(o);
    return template ? [template.spec as { containers: Container[]; volumes: unknown[] }] : [];
  });
}

// Not structuredClone: under jest its copies come from another realm, whose arrays and objects
// have other prototypes, and isDeepStrictEqual (what the diff compares with) tells them apart.
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Shorthand for small objects written as YAML. */
function objects(yaml: string): KubeObject[] {
  // A leading `---` makes it a YAML stream even where it starts with a flow mapping `{`.
  return parseManifests(`---\n${yaml}`, 'the test');
}

/** Each changed field as `Kind/name path: before -> after`, for compact expectations. */
function lines(diff: ManifestDiff): string[] {
  return diff.objects.flatMap((o) =>
    o.change === 'changed'
      ? o.fields.map(
          (f) => `${o.id.kind}/${o.id.name} ${formatPath(f.path)}: ${formatValue(f.before)} -> ${formatValue(f.after)}`,
        )
      : [`${o.change} ${o.id.kind}/${o.id.name}`],
  );
}

/** Every flag as `level path-or-object: reason`. */
function flags(diff: ManifestDiff): string[] {
  return diff.objects.flatMap((o) => [
    ...o.flags.map((f) => `${f.level} ${o.id.kind}/${o.id.name}: ${f.reason}`),
    ...o.fields.flatMap((field) => field.flags.map((f) => `${f.level} ${formatPath(field.path)}: ${f.reason}`)),
  ]);
}

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, labels: { app: web } }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: nginx:1.14.2
          ports: [{ name: http, containerPort: 80 }]
`;
const SERVICE = `
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  type: NodePort
  clusterIP: 10.0.0.10
  selector: { app: web }
  ports: [{ name: http, port: 3050, targetPort: 80, nodePort: 31515 }]
`;

describe('what is a change', () => {
  test('the same manifests: no change', () => {
    expect(diffManifests(sandbox(), sandbox()).objects).toEqual([]);
  });

  test('objects, list items and keys reordered: no change', () => {
    const before = sandbox();
    const after = clone(before).reverse();
    for (const spec of podSpecs(before)) {
      spec.containers[0]!.ports.push({ name: 'metrics', containerPort: 9090 });
    }
    for (const spec of podSpecs(after)) {
      spec.volumes.reverse();
      spec.containers[0]!.volumeMounts.reverse();
      spec.containers[0]!.ports.unshift({ containerPort: 9090, name: 'metrics' });
    }
    for (const object of after) {
      // Keys in another order make the same YAML mapping.
      object.metadata = Object.fromEntries(Object.entries(object.metadata as object).reverse());
    }
    expect(JSON.stringify(after)).not.toEqual(JSON.stringify([...before].reverse()));
    expect(diffManifests(before, after).objects).toEqual([]);
  });

  test('namespace default added to every object: no change, as kubectl applies both to default', () => {
    const after = sandbox();
    for (const object of after) {
      object.metadata.namespace = 'default';
    }
    expect(diffManifests(sandbox(), after).objects).toEqual([]);
    // Another namespace is another object: the old one is removed, the new one added.
    after[0]!.metadata.namespace = 'sandbox';
    expect(lines(diffManifests(sandbox(), after))).toEqual([
      `removed ${after[0]!.kind}/${after[0]!.metadata.name}`,
      `added ${after[0]!.kind}/${after[0]!.metadata.name}`,
    ]);
  });

  test('a cluster-scoped object that gains a namespace is the same object: the API server clears it', () => {
    const before = objects(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: reader }
rules: [{ apiGroups: [""], resources: [pods], verbs: [get] }]
---
apiVersion: example.com/v1
kind: Widget
metadata: { name: w }
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec: { group: example.com, names: { kind: Widget, plural: widgets }, scope: Cluster }
`);
    const after = clone(before);
    after[0]!.metadata.namespace = 'sandbox';
    after[1]!.metadata.namespace = 'sandbox';
    expect(diffManifests(before, after).objects).toEqual([]);
    // A namespaced kind that gains a namespace other than default moves: a Role is two objects.
    const role = objects('{ apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: { name: reader } }');
    const moved = clone(role);
    moved[0]!.metadata.namespace = 'sandbox';
    expect(lines(diffManifests(role, moved))).toEqual(['removed Role/reader', 'added Role/reader']);
  });

  test('env and containers matched by name across reordering', () => {
    const before = objects(`
apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  containers:
    - { name: a, image: a:1, env: [{ name: X, value: "1" }, { name: Z, value: "2" }] }
    - { name: b, image: b:1 }
`);
    const after = clone(before);
    const containers = (after[0]!.spec as { containers: { env?: unknown[] }[] }).containers;
    containers.reverse();
    containers[1]!.env!.reverse();
    expect(diffManifests(before, after).objects).toEqual([]);
  });

  test('replicas 2 -> 3 in the sandbox nginx Deployment is one field', () => {
    const after = sandbox();
    findObject(after, 'Deployment', 'nginx-deployment').spec.replicas = 3;
    const diff = diffManifests(sandbox(), after);
    expect(lines(diff)).toEqual(['Deployment/nginx-deployment spec.replicas: 2 -> 3']);
    expect(flags(diff)).toEqual([]);
  });

  test('a list of plain values whose order changed is shown whole (order can matter in args)', () => {
    const before = objects(
      `{ apiVersion: v1, kind: Pod, metadata: { name: p }, spec: { containers: [{ name: a, image: a, args: [x, z] }] } }`,
    );
    const after = objects(
      `{ apiVersion: v1, kind: Pod, metadata: { name: p }, spec: { containers: [{ name: a, image: a, args: [z, x] }] } }`,
    );
    expect(lines(diffManifests(before, after))).toEqual(['Pod/p spec.containers[name=a].args: ["x","z"] -> ["z","x"]']);
  });

  test('added and removed objects, matched by namespace too', () => {
    const before = objects(`
{ apiVersion: v1, kind: ConfigMap, metadata: { name: old }, data: { a: "1" } }
---
{ apiVersion: v1, kind: ConfigMap, metadata: { name: same, namespace: one } }
`);
    const after = objects(`
{ apiVersion: v1, kind: ConfigMap, metadata: { name: same, namespace: two } }
---
{ apiVersion: v1, kind: ConfigMap, metadata: { name: new } }
`);
    const diff = diffManifests(before, after);
    expect(diff.objects.map((o) => `${o.change} ${o.id.namespace}/${o.id.name}`)).toEqual([
      'added /new',
      'removed /old',
      'removed one/same',
      'added two/same',
    ]);
    expect(flags(diff)).toContain(
      'risky ConfigMap/old: removed: `kubectl apply -f dist` leaves the ConfigMap in the cluster; `npm run apply` prunes it, and what it runs goes too',
    );
    expect(diff.objects.find((o) => o.id.name === 'old')?.flags[0]?.remedy).toBe('npm run apply');
  });

  test('every change kubectl apply cannot make in place names the command that makes it', () => {
    const before = objects(`${DEPLOYMENT}\n---\n${SERVICE.replace('name: web }', 'name: web, namespace: prod }')}`);
    const after = objects(
      `${DEPLOYMENT.replace(/app: web/g, 'app: website')}\n---\n${SERVICE.replace('name: web }', 'name: web, namespace: prod }').replace('10.0.0.10', '10.0.0.11')}`,
    );
    const remedies = diffManifests(before, after).objects.flatMap((o) =>
      o.fields.flatMap((f) => f.flags.filter((flag) => flag.level === 'immutable').map((flag) => flag.remedy)),
    );
    expect(remedies).toEqual([
      'kubectl delete deployment.apps/web && npm run apply',
      'kubectl delete service/web -n prod && npm run apply',
    ]);
  });

  test('a removed Service with a nodePort is deleted before the apply that may reuse its port', () => {
    const [removed] = diffManifests(objects(SERVICE), []).objects;
    expect(removed?.flags[0]?.reason).toMatch(/its nodePort is free for another Service only once it is gone/);
    expect(removed?.flags[0]?.remedy).toBe('kubectl delete service/web && npm run apply');
  });

  test('a field removed or added at the value the API server stores anyway is no change', () => {
    const before = sandbox();
    const after = clone(before);
    const pod = after.find((o) => o.kind === 'Pod')!;
    const deployment = after.find((o) => o.kind === 'Deployment')!;
    (pod.spec as Record<string, unknown>).hostNetwork = false;
    Object.assign(deployment.spec as object, { minReadySeconds: 0 });
    (podSpecs([deployment])[0]!.containers[0]!.ports[0] as Record<string, unknown>).protocol = 'TCP';
    (podSpecs([deployment])[0] as Record<string, unknown>).hostPID = false;
    (podSpecs([deployment])[0] as Record<string, unknown>).tolerations = [];
    Object.assign(podSpecs([deployment])[0]!, { dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 });
    Object.assign(podSpecs([deployment])[0]!.containers[0]!, { terminationMessagePolicy: 'File' });
    Object.assign(deployment.spec as object, { revisionHistoryLimit: 10, progressDeadlineSeconds: 600 });
    expect(diffManifests(before, after).objects).toEqual([]);
    expect(diffManifests(after, before).objects).toEqual([]);
    // Not a default: a real change.
    (pod.spec as Record<string, unknown>).hostNetwork = true;
    expect(lines(diffManifests(before, after))).toEqual(['Pod/fib-client-pod spec.hostNetwork: (none) -> true']);
  });

  test('two objects with the same identity on one side are refused', () => {
    const twice = [...objects(SERVICE), ...objects(SERVICE)];
    expect(() => diffManifests(twice, [])).toThrow('two objects before are Service/web');
  });
});

describe('changes kubectl apply cannot make in place', () => {
  test("a Deployment's selector", () => {
    const after = objects(DEPLOYMENT.replace(/app: web/g, 'app: website'));
    const diff = diffManifests(objects(DEPLOYMENT), after);
    expect(lines(diff)).toEqual([
      'Deployment/web metadata.labels.app: web -> website',
      'Deployment/web spec.selector.matchLabels.app: web -> website',
      'Deployment/web spec.template.metadata.labels.app: web -> website',
    ]);
    expect(flags(diff)).toEqual([
      "immutable spec.selector.matchLabels.app: a Deployment's selector is immutable; delete the Deployment and apply it again (its pods restart)",
    ]);
  });

  test("a Service's clusterIP", () => {
    const diff = diffManifests(objects(SERVICE), objects(SERVICE.replace('10.0.0.10', '10.0.0.11')));
    expect(flags(diff)).toEqual([
      expect.stringMatching(/^immutable spec.clusterIP: a Service's clusterIP is immutable/),
    ]);
  });

  test("a bare Pod's spec, but not its containers' images", () => {
    const pod = `{ apiVersion: v1, kind: Pod, metadata: { name: p, labels: { a: b } }, spec: { containers: [{ name: c, image: c:1 }] } }`;
    const diff = diffManifests(
      objects(pod),
      objects(pod.replace('c:1 }', 'c:2, imagePullPolicy: Always }').replace('{ a: b }', '{ a: c }')),
    );
    expect(flags(diff)).toEqual([
      'risky spec.containers[name=c].image: new image: the containers restart with different software',
      "immutable spec.containers[name=c].imagePullPolicy: a Pod's spec is immutable except container images, activeDeadlineSeconds and added tolerations; delete the Pod and apply it again",
    ]);
  });

  test("a Job's template and a StatefulSet's volumeClaimTemplates, not its replicas", () => {
    const job = `{ apiVersion: batch/v1, kind: Job, metadata: { name: j }, spec: { template: { spec: { containers: [{ name: c, image: c:1 }] } } } }`;
    const set = `{ apiVersion: apps/v1, kind: StatefulSet, metadata: { name: s }, spec: { replicas: 1, volumeClaimTemplates: [{ metadata: { name: data } }] } }`;
    const diff = diffManifests(
      objects(`${job}\n---\n${set}`),
      objects(
        `${job.replace('c:1', 'c:2')}\n---\n${set.replace('replicas: 1', 'replicas: 2').replace('name: data', 'name: data, x: 1')}`,
      ),
    );
    expect(flags(diff).map((f) => f.split(':')[0])).toEqual([
      'immutable spec.template.spec.containers[name=c].image',
      'risky spec.template.spec.containers[name=c].image',
      'immutable spec.volumeClaimTemplates[0].metadata.x',
    ]);
  });

  test('a new API group for the same kind and name is a replacement', () => {
    const ingress = (apiVersion: string) => `{ apiVersion: ${apiVersion}, kind: Ingress, metadata: { name: i } }`;
    const diff = diffManifests(objects(ingress('extensions/v1beta1')), objects(ingress('networking.k8s.io/v1')));
    expect(diff.objects.map((o) => `${o.change} ${o.id.group}`)).toEqual([
      'removed extensions',
      'added networking.k8s.io',
    ]);
    expect(flags(diff)).toContain(
      'immutable Ingress/i: replaces extensions/v1beta1 Ingress/i: a new object, not an in-place change',
    );
  });

  test('a new version within the group is an in-place change', () => {
    const hpa = (apiVersion: string) =>
      `{ apiVersion: ${apiVersion}, kind: HorizontalPodAutoscaler, metadata: { name: h } }`;
    const diff = diffManifests(objects(hpa('autoscaling/v2beta2')), objects(hpa('autoscaling/v2')));
    expect(lines(diff)).toEqual(['HorizontalPodAutoscaler/h apiVersion: autoscaling/v2beta2 -> autoscaling/v2']);
    expect(flags(diff)).toEqual([]);
  });
});

describe('risky changes', () => {
  test('image, replicas to 0, removed container port', () => {
    const after = objects(
      DEPLOYMENT.replace('nginx:1.14.2', 'nginx:1.25.3')
        .replace('replicas: 2', 'replicas: 0')
        .replace('ports: [{ name: http, containerPort: 80 }]', 'ports: []'),
    );
    expect(flags(diffManifests(objects(DEPLOYMENT), after))).toEqual([
      'risky spec.replicas: replicas go to 0: no pod will run',
      'risky spec.template.spec.containers[name=web].image: new image: the containers restart with different software',
      'risky spec.template.spec.containers[name=web].ports[containerPort=80]: port removed: whatever connects to it stops working',
    ]);
  });

  test('Service type and nodePort', () => {
    const after = objects(SERVICE.replace('type: NodePort', 'type: LoadBalancer').replace('31515', '31516'));
    expect(flags(diffManifests(objects(SERVICE), after)).map((f) => f.split(':')[0])).toEqual([
      'risky spec.ports[port=3050].nodePort',
      'risky spec.type',
    ]);
  });

  test("a Service port's number: the API server merges ports by number, so the old port goes", () => {
    const diff = diffManifests(objects(SERVICE), objects(SERVICE.replace('3050', '3051')));
    expect(flags(diff)).toEqual(['risky spec.ports[port=3050]: port removed: whatever connects to it stops working']);
  });

  test('a renamed port with the same numbers is a new name, not a removed port', () => {
    const before = objects(`${DEPLOYMENT}\n---\n${SERVICE}`);
    const after = objects(`${DEPLOYMENT}\n---\n${SERVICE}`.replace(/name: http/g, 'name: web'));
    const diff = diffManifests(before, after);
    expect(lines(diff)).toEqual([
      'Deployment/web spec.template.spec.containers[name=web].ports[containerPort=80].name: http -> web',
      'Service/web spec.ports[port=3050].name: http -> web',
    ]);
    expect(flags(diff)).toEqual([]);
  });

  test('a volume mounted at the same path under a new name is a changed name, not a removed mount', () => {
    const pod = (volume: string) => `
apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  volumes: [{ name: ${volume}, emptyDir: {} }]
  containers: [{ name: c, image: c:1, volumeMounts: [{ name: ${volume}, mountPath: /cache }] }]
`;
    expect(lines(diffManifests(objects(pod('cache')), objects(pod('scratch'))))).toEqual([
      'Pod/p spec.containers[name=c].volumeMounts[mountPath=/cache].name: cache -> scratch',
      'Pod/p spec.volumes[name=cache]: {"name":"cache","emptyDir":{}} -> (none)',
      'Pod/p spec.volumes[name=scratch]: (none) -> {"name":"scratch","emptyDir":{}}',
    ]);
  });

  test("a renamed container port that a Service's targetPort names", () => {
    const service = SERVICE.replace('targetPort: 80', 'targetPort: http');
    const before = objects(`${DEPLOYMENT}\n---\n${service}`);
    const after = objects(`${DEPLOYMENT.replace('name: http', 'name: web')}\n---\n${service}`);
    expect(flags(diffManifests(before, after))).toEqual([
      'risky Service/web: targetPort http names no container port of Deployment/web: the Service sends those pods no traffic on it',
    ]);
    // A targetPort renamed to a name the pods lack.
    const wrongName = objects(`${DEPLOYMENT}\n---\n${service.replace('targetPort: http', 'targetPort: htp')}`);
    expect(flags(diffManifests(before, wrongName))).toEqual([
      'risky Service/web: targetPort htp names no container port of Deployment/web: the Service sends those pods no traffic on it',
    ]);
    // Renamed on both sides: nothing lost.
    const both = objects(
      `${DEPLOYMENT.replace('name: http', 'name: web')}\n---\n${service.replace('targetPort: http', 'targetPort: web')}`,
    );
    expect(flags(diffManifests(before, both))).toEqual([]);
  });

  test('a renamed Service whose old self still holds the nodePort', () => {
    const diff = diffManifests(
      objects(`${DEPLOYMENT}\n---\n${SERVICE}`),
      objects(`${DEPLOYMENT}\n---\n${SERVICE.replace('name: web', 'name: website')}`),
    );
    expect(flags(diff)).toEqual([
      'risky Service/web: removed: `kubectl apply -f dist` leaves the Service in the cluster; `npm run apply` prunes it, and what it runs goes too; its nodePort is free for another Service only once it is gone, so delete it first',
      'risky Service/website: nodePort 31515 is still held by Service/web, which `kubectl apply` leaves in the cluster: the apply fails until that Service is deleted',
    ]);
  });

  test('a new NetworkPolicy that denies all egress of pods that already run', () => {
    const policy = (egress: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: lockdown }
spec: { podSelector: { matchLabels: { app: web } }, policyTypes: [Ingress, Egress]${egress} }
`;
    const before = objects(DEPLOYMENT);
    expect(flags(diffManifests(before, objects(`${DEPLOYMENT}\n---\n${policy('')}`)))).toEqual([
      'risky NetworkPolicy/lockdown: denies all egress of pods that already run (Deployment/web): every connection they open, DNS too, stops',
    ]);
    // With an egress rule, or over pods that are new too, nothing that runs loses its connections.
    expect(flags(diffManifests(before, objects(`${DEPLOYMENT}\n---\n${policy(', egress: [{}]')}`)))).toEqual([]);
    expect(flags(diffManifests([], objects(`${DEPLOYMENT}\n---\n${policy('')}`)))).toEqual([]);
  });

  test('a Service whose pods lost the label it selects, though the Service did not change', () => {
    const before = objects(`${DEPLOYMENT}\n---\n${SERVICE}`);
    const after = objects(`${DEPLOYMENT.replace(/app: web/g, 'app: website')}\n---\n${SERVICE}`);
    const service = diffManifests(before, after).objects.find((o) => o.id.kind === 'Service');
    expect(service?.fields).toEqual([]);
    expect(service?.flags).toEqual([
      { level: 'risky', reason: 'selects no pods now (it selected Deployment/web): the Service has no endpoints' },
    ]);
  });
});

describe('reports', () => {
  const before = objects(`${DEPLOYMENT}\n---\n${SERVICE}`);
  const after = objects(
    `${DEPLOYMENT.replace('replicas: 2', 'replicas: 3').replace('selector: { matchLabels: { app: web } }', 'selector: { matchLabels: { app: web, tier: "1" } }')}\n---\n{ apiVersion: v1, kind: ConfigMap, metadata: { name: "a|b" } }`,
  );
  const options = { before: 'merge base with main (abc1234)', after: 'work tree' };

  test('terminal', () => {
    expect(textReport(diffManifests(before, after), options)).toBe(
      [
        'Manifest changes, merge base with main (abc1234) -> work tree',
        '1 changed, 1 added, 1 removed; 1 change kubectl apply cannot make in place, 1 risky',
        '',
        '+ ConfigMap/a|b',
        '',
        '~ Deployment/web',
        '    spec.replicas: 2 -> 3',
        '    spec.selector.matchLabels.tier: (none) -> "1"',
        "      !! cannot apply in place: a Deployment's selector is immutable; delete the Deployment and apply it again (its pods restart)",
        '        remedy: kubectl delete deployment.apps/web && npm run apply',
        '',
        '- Service/web',
        '    ! risky: removed: `kubectl apply -f dist` leaves the Service in the cluster; `npm run apply` prunes it, and what it runs goes too; its nodePort is free for another Service only once it is gone, so delete it first',
        '      remedy: kubectl delete service/web && npm run apply',
        '',
      ].join('\n'),
    );
  });

  test('Markdown', () => {
    const markdown = markdownReport(diffManifests(before, after), { ...options, notes: ['a caveat'] });
    expect(markdown).toContain('> **Note:** a caveat');
    expect(markdown).toContain('⛔ **1 change `kubectl apply` cannot make in place**');
    expect(markdown).toContain('#### + `ConfigMap/a|b` added');
    expect(markdown).toContain('| `spec.replicas` | `2` | `3` |  |');
    expect(markdown).toContain(
      '| `spec.selector.matchLabels.tier` | `(none)` | `"1"` | ⛔ cannot apply in place: a Deployment\'s selector is immutable;',
    );
    expect(markdown).toContain('; remedy: `kubectl delete deployment.apps/web && npm run apply` |');
  });

  test('no change', () => {
    expect(textReport({ objects: [] }, options)).toBe(
      'Manifest changes, merge base with main (abc1234) -> work tree\nNo manifest changes.\n',
    );
    expect(markdownReport({ objects: [] }, options)).toContain('No manifest changes.');
  });

  test('values read as their YAML type', () => {
    expect([80, '80', 'nginx:1.14.2', '', 'a b', true, undefined, { a: [1] }].map(formatValue)).toEqual([
      '80',
      '"80"',
      'nginx:1.14.2',
      '""',
      '"a b"',
      'true',
      '(none)',
      '{"a":[1]}',
    ]);
  });

  test('paths quote label keys with dots and slashes', () => {
    expect(formatPath(['metadata', 'labels', 'app.kubernetes.io/name'])).toBe(
      'metadata.labels["app.kubernetes.io/name"]',
    );
  });
});

describe('the update rules', () => {
  test('describe the Kubernetes release the cluster scripts pin, where the e2e suite checks them', () => {
    const goMod = readFileSync(path.resolve(__dirname, '../../../go/cluster/kube/go.mod'), 'utf8');
    const pinned = /^\tk8s\.io\/kubernetes v(\S+)/m.exec(goMod)?.[1];
    expect(pinned).toBe(RULES_KUBERNETES_VERSION);
  });
});

describe('a field removed at its API default', () => {
  const pod = (restartPolicy?: string) =>
    objects(
      `{ apiVersion: v1, kind: Pod, metadata: { name: p }, spec: { ${restartPolicy ? `restartPolicy: ${restartPolicy}, ` : ''}containers: [{ name: c, image: i }] } }`,
    );

  test('is no ⛔: the API server sets the same value again and accepts the update', () => {
    expect(flags(diffManifests(pod('Always'), pod()))).toEqual([]);
  });

  test('at another value it is ⛔ on a Pod', () => {
    expect(flags(diffManifests(pod('Never'), pod()))).toEqual([
      expect.stringMatching(/^immutable spec.restartPolicy: a Pod's spec is immutable/),
    ]);
  });
});
