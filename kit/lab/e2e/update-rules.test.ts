// The update-rule table of `npm run diff` (kit/pkg/review/manifest-diff.ts), checked by the API
// server it describes: for each ⛔ and ⚠️ rule, and for changes it leaves unflagged, a before
// is created with `kubectl apply` and an after applied over it. ⛔ must be refused in place;
// what the table does not call ⛔ must be accepted (two ⚠️ rules say when the server refuses:
// those cases expect the refusal). Run by kit/lab/e2e/run.sh (npm run test:e2e).
import { stringify } from 'yaml';
import type { KubeObject } from '../../pkg/common/kube';
import { RULES_KUBERNETES_VERSION, diffManifests } from '../../pkg/review/manifest-diff';
import { expectSuccess, getJson, kubectl, kubectlOk } from './kube';

const NAMESPACE = `${process.env.E2E_NAMESPACE ?? `k8s-sandbox-e2e-${Date.now().toString(36)}`}-rules`;
/** Cluster-scoped fixtures get this suffix, so runs on a shared cluster never meet. */
const SUFFIX = NAMESPACE.slice(-12).replace(/^-+/, '');
const IMAGE = 'registry.k8s.io/pause:3.10';

type Verdict = 'refused' | 'accepted';
interface Case {
  /** The rule, as the table flags it: ⛔, ⚠️, or none. */
  readonly flag: 'immutable' | 'risky' | 'none';
  readonly name: string;
  readonly before: KubeObject;
  readonly change: (after: KubeObject) => void;
  readonly verdict: Verdict;
}

/** The server's verdict on each case, for the run's log and the closing note. */
const verdicts: string[] = [];

function pod(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: {
      restartPolicy: 'Always',
      containers: [{ name: 'c', image: IMAGE, ports: [{ name: 'http', containerPort: 8080 }] }],
      tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }],
    },
  };
}

function workload(kind: string, name: string): KubeObject {
  const labels = { app: name };
  const template = { metadata: { labels }, spec: { containers: [{ name: 'c', image: IMAGE }] } };
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name },
    spec: {
      ...(kind === 'DaemonSet' ? {} : { replicas: 1 }),
      ...(kind === 'StatefulSet' ? { serviceName: name } : {}),
      selector: { matchLabels: labels },
      template,
    },
  };
}

function service(name: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: {
      type: 'ClusterIP',
      selector: { app: name },
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
      ...extra,
    },
  };
}

function pvc(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are arbitrary JSON, changed in place.
type Any = any;
const spec = (o: KubeObject): Any => o.spec;

const CASES: Case[] = [
  ...['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].map((kind): Case => ({
    flag: 'immutable',
    name: `${kind.toLowerCase()}-selector`,
    before: workload(kind, `${kind.toLowerCase()}-selector`),
    change: (o) => {
      spec(o).selector.matchLabels.tier = 'b';
      spec(o).template.metadata.labels.tier = 'b';
    },
    verdict: 'refused',
  })),
  {
    flag: 'immutable',
    name: 'statefulset-service-name',
    before: workload('StatefulSet', 'statefulset-service-name'),
    change: (o) => (spec(o).serviceName = 'other'),
    verdict: 'refused',
  },
  {
    flag: 'none',
    name: 'statefulset-template',
    before: workload('StatefulSet', 'statefulset-template'),
    change: (o) => (spec(o).template.spec.containers[0].args = ['x']),
    verdict: 'accepted',
  },
  {
    flag: 'immutable',
    name: 'service-cluster-ip',
    // Any cluster's Service CIDR: the allocated address turned headless.
    before: service('service-cluster-ip'),
    change: (o) => (spec(o).clusterIP = 'None'),
    verdict: 'refused',
  },
  {
    flag: 'immutable',
    name: 'job-template',
    before: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'job-template' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: IMAGE }] } } },
    },
    change: (o) => (spec(o).template.spec.containers[0].args = ['x']),
    verdict: 'refused',
  },
  {
    flag: 'immutable',
    name: 'pvc-access-modes',
    before: pvc('pvc-access-modes'),
    change: (o) => (spec(o).accessModes = ['ReadWriteMany']),
    verdict: 'refused',
  },
  {
    // ⚠️ says: only with a StorageClass that allows expansion; this claim has none.
    flag: 'risky',
    name: 'pvc-requests',
    before: pvc('pvc-requests'),
    change: (o) => (spec(o).resources.requests.storage = '2Gi'),
    verdict: 'refused',
  },
  {
    flag: 'immutable',
    name: 'pod-port',
    before: pod('pod-port'),
    change: (o) => (spec(o).containers[0].ports[0].containerPort = 8081),
    verdict: 'refused',
  },
  {
    flag: 'immutable',
    name: 'pod-resources',
    before: pod('pod-resources'),
    change: (o) => (spec(o).containers[0].resources = { limits: { memory: '64Mi' } }),
    verdict: 'refused',
  },
  {
    flag: 'risky',
    name: 'pod-image',
    before: pod('pod-image'),
    change: (o) => (spec(o).containers[0].image = 'registry.k8s.io/pause:3.9'),
    verdict: 'accepted',
  },
  {
    flag: 'none',
    name: 'pod-active-deadline',
    before: pod('pod-active-deadline'),
    change: (o) => (spec(o).activeDeadlineSeconds = 3600),
    verdict: 'accepted',
  },
  {
    flag: 'risky',
    name: 'pod-toleration-added',
    before: pod('pod-toleration-added'),
    change: (o) => spec(o).tolerations.push({ key: 'b', operator: 'Exists', effect: 'NoSchedule' }),
    verdict: 'accepted',
  },
  {
    // ⚠️ says: a changed or removed toleration needs the Pod deleted.
    flag: 'risky',
    name: 'pod-toleration-removed',
    before: pod('pod-toleration-removed'),
    change: (o) => (spec(o).tolerations = []),
    verdict: 'refused',
  },
  {
    flag: 'none',
    name: 'pod-default-removed',
    before: pod('pod-default-removed'),
    change: (o) => delete spec(o).restartPolicy,
    verdict: 'accepted',
  },
  {
    flag: 'immutable',
    name: 'configmap-immutable',
    before: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'configmap-immutable' },
      immutable: true,
      data: { a: '1' },
    } as KubeObject,
    change: (o) => ((o as Any).data.a = '2'),
    verdict: 'refused',
  },
  {
    flag: 'none',
    name: 'configmap-data',
    before: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'configmap-data' },
      data: { a: '1' },
    } as KubeObject,
    change: (o) => ((o as Any).data.a = '2'),
    verdict: 'accepted',
  },
  {
    flag: 'immutable',
    name: 'rolebinding-roleref',
    before: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'rolebinding-roleref' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: 'default' }],
    } as KubeObject,
    change: (o) => ((o as Any).roleRef.name = 'edit'),
    verdict: 'refused',
  },
  {
    flag: 'immutable',
    name: `storageclass-${SUFFIX}`,
    before: {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: `storageclass-${SUFFIX}` },
      provisioner: 'example.com/none',
      parameters: { a: '1' },
    } as KubeObject,
    change: (o) => ((o as Any).parameters.a = '2'),
    verdict: 'refused',
  },
  {
    flag: 'risky',
    name: 'deployment-image',
    before: workload('Deployment', 'deployment-image'),
    change: (o) => (spec(o).template.spec.containers[0].image = 'registry.k8s.io/pause:3.9'),
    verdict: 'accepted',
  },
  {
    flag: 'risky',
    name: 'deployment-port-removed',
    before: (() => {
      const d = workload('Deployment', 'deployment-port-removed');
      spec(d).template.spec.containers[0].ports = [{ name: 'http', containerPort: 8080 }];
      return d;
    })(),
    change: (o) => delete spec(o).template.spec.containers[0].ports,
    verdict: 'accepted',
  },
  {
    flag: 'risky',
    name: 'deployment-replicas-zero',
    before: workload('Deployment', 'deployment-replicas-zero'),
    change: (o) => (spec(o).replicas = 0),
    verdict: 'accepted',
  },
  {
    flag: 'risky',
    name: 'service-port',
    before: service('service-port'),
    change: (o) => (spec(o).ports[0].port = 81),
    verdict: 'accepted',
  },
  {
    flag: 'risky',
    name: 'service-type',
    before: service('service-type'),
    change: (o) => (spec(o).type = 'NodePort'),
    verdict: 'accepted',
  },
  {
    flag: 'risky',
    name: 'service-node-port',
    before: (() => {
      const s = service('service-node-port', { type: 'NodePort' });
      spec(s).ports[0].nodePort = 30998;
      return s;
    })(),
    change: (o) => (spec(o).ports[0].nodePort = 30999),
    verdict: 'accepted',
  },
  {
    flag: 'risky',
    name: 'service-selector',
    before: service('service-selector'),
    change: (o) => (spec(o).selector = { app: 'other' }),
    verdict: 'accepted',
  },
];

/** The strongest flag the table gives the change from `before` to `after`. */
function tableFlag(before: KubeObject, after: KubeObject): Case['flag'] {
  const diff = diffManifests([before], [after]);
  const levels = diff.objects.flatMap((o) => o.fields.flatMap((f) => f.flags.map((flag) => flag.level)));
  return levels.includes('immutable') ? 'immutable' : levels.includes('risky') ? 'risky' : 'none';
}

function apply(object: KubeObject) {
  return kubectl(['apply', '-n', NAMESPACE, '-f', '-'], stringify(object));
}

beforeAll(() => {
  kubectlOk(['create', 'namespace', NAMESPACE]);
});

afterAll(() => {
  process.stderr.write(`Kubernetes ${RULES_KUBERNETES_VERSION}, the API server's verdicts:\n${verdicts.join('\n')}\n`);
  kubectl(['delete', 'services', '--all', '-n', NAMESPACE]);
  kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
  kubectl(['delete', 'storageclass', `storageclass-${SUFFIX}`, '--ignore-not-found']);
});

describe(`the update rules of npm run diff, on the Kubernetes ${RULES_KUBERNETES_VERSION} API server`, () => {
  test('the cluster is the release the table describes', () => {
    const version = JSON.parse(kubectlOk(['version', '-o', 'json'])).serverVersion.gitVersion;
    if (process.env.E2E_LOCAL_CLUSTER === '1') {
      expect(version).toBe(`v${RULES_KUBERNETES_VERSION}`);
    }
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    // A JSON copy, not structuredClone: under jest that makes arrays of another realm, which
    // util.isDeepStrictEqual (the diff's equality) never finds equal to the fixture's own.
    const after = JSON.parse(JSON.stringify(c.before)) as KubeObject;
    c.change(after);
    expect(tableFlag(c.before, after)).toBe(c.flag);
    expectSuccess(apply(c.before));
    const result = apply(after);
    const verdict: Verdict = result.status === 0 ? 'accepted' : 'refused';
    verdicts.push(`${c.flag === 'immutable' ? '⛔' : c.flag === 'risky' ? '⚠️' : '--'} ${c.name}: ${verdict}`);
    if (verdict !== c.verdict) {
      throw new Error(`the server ${verdict} ${c.name} (expected ${c.verdict}):\n${result.stderr}${result.stdout}`);
    }
    // The table's own promise: what it does not call ⛔ is a change the server can make, unless
    // the ⚠️ itself says when it cannot (see the cases above).
    if (c.flag === 'immutable') {
      expect(verdict).toBe('refused');
    }
    if (verdict === 'refused') {
      expect(result.stderr).toMatch(/immutable|Forbidden|may not|only dynamically provisioned|cannot change roleRef/i);
    }
    getJson([String(c.before.kind).toLowerCase(), c.name, '-n', NAMESPACE]);
  });
});
