// Why the api-server gate and the API server disagree on objects of the real-world corpus
// (kit/lab/e2e/corpus-parity.test.ts), cause by cause, and which objects are left out of the
// comparison because what they need first is not in the corpus. Each cause is a deliberate choice
// or a known gap with its cause; the test fails on a disagreement no cause matches, and on a cause
// that matches nothing any more (the gap was closed: remove it here).
import type { KubeObject } from '../../pkg/common/manifests';

/** One object (or, for `reading`, one file) on which kubectl with the API server and the gate differ. */
export interface Disagreement {
  /**
   * reading: kubectl and the gate's reader read the file differently; server-only: the API server
   * refuses the object and the gate takes it; gate-only: the reverse; message: both refuse, but
   * the API server's message does not hold the gate's.
   */
  readonly kind: 'reading' | 'server-only' | 'gate-only' | 'message';
  /** The file, under the corpus folder (`owner+repo/path`). */
  readonly file: string;
  readonly repository: string;
  /** The object's place in its file, from 0; -1 for a file. */
  readonly index: number;
  /** `Kind/name` or `Kind/namespace/name`. */
  readonly label: string;
  /** The object as kubectl sent it ({} for a file). */
  readonly object: KubeObject;
  /** What the API server said (kubectl's error line for it), or, for `reading`, how the readings differ. */
  readonly server: string;
  /** The gate's findings, `field: message` (for `message`, those the API server does not say). */
  readonly gate: readonly string[];
}

/** Why a group of disagreements happens. */
export interface Cause {
  readonly name: string;
  /** A deliberate choice, or a known gap and its cause. */
  readonly explanation: string;
  readonly matches: (d: Disagreement) => boolean;
}

/** A prerequisite the corpus lacks: objects that need it are listed apart, not compared. */
export interface Prerequisite {
  readonly name: string;
  readonly explanation: string;
  /**
   * Whether the API server's refusal `said` of `object` is for want of this prerequisite;
   * `gateChecked` is false where the gate leaves the kind to the schema gates (not built in).
   */
  readonly matches: (said: string, object: KubeObject, gateChecked: boolean) => boolean;
}

export const PREREQUISITES: readonly Prerequisite[] = [
  {
    name: 'A CustomResourceDefinition the corpus does not hold',
    explanation:
      "The kind is not built into the API server, and no CRD of the corpus serves it: Istio's and " +
      "the external snapshotter's CRDs were not taken, nor Gateway API's experimental routes (TCPRoute, " +
      "UDPRoute, TLSRoute, BackendTLSPolicy, ListenerSet), nor prometheus-operator's Prometheus and " +
      'Alertmanager CRDs (600 to 800 kB each); Gatekeeper makes K8sRequiredLabels from a ConstraintTemplate ' +
      'when it runs. kubectl cannot map the kind; the gate leaves custom kinds to the schema gates.',
    matches: (said, _object, gateChecked) => !gateChecked && /no matches for kind "[^"]+" in version/.test(said),
  },
];

/** The `unknown field "..."` names of a strict decoding error, sorted. */
function unknownFields(text: string): string[] {
  return [...text.matchAll(/unknown field "([^"]+)"/g)].map((m) => m[1]).sort();
}

const PRIVILEGED = /securityContext\.privileged: Forbidden: disallowed by cluster policy$/;

export const CAUSES: readonly Cause[] = [
  {
    name: 'Headless Services: clusterIP None is not copied into clusterIPs',
    explanation:
      "Known gap of the gate. The API server's Service REST create (pkg/registry/core/service/storage, " +
      'beginCreate: normalizeClusterIPs, then the IP allocators) fills spec.clusterIPs from spec.clusterIP ' +
      'before validation; kube-rules validate runs the registry strategy (PrepareForCreate, Validate) but not ' +
      "those hooks, so a headless Service (clusterIP: None, no clusterIPs) fails ValidateService's " +
      '"spec.clusterIPs: Required value".',
    matches: (d) =>
      d.kind === 'gate-only' &&
      d.object.kind === 'Service' &&
      d.gate.every((line) => line === 'spec.clusterIPs: Required value'),
  },
  {
    name: 'LoadBalancer Services with externalTrafficPolicy Local: no healthCheckNodePort allocated',
    explanation:
      "Known gap of the gate. The API server's Service REST create allocates a healthCheckNodePort for a " +
      'LoadBalancer Service whose externalTrafficPolicy is Local before validation; kube-rules validate does ' +
      'not run the allocators, so validation finds none: "spec.healthCheckNodePort: Required value".',
    matches: (d) =>
      d.kind === 'gate-only' &&
      d.object.kind === 'Service' &&
      d.gate.every((line) => line === 'spec.healthCheckNodePort: Required value'),
  },
  {
    name: 'Privileged containers: the gate judges as an API server without --allow-privileged',
    explanation:
      'Known gap of the gate. kube-apiserver refuses privileged containers unless started with ' +
      "--allow-privileged=true, which kubeadm's static pod sets (and kit/lab/cluster/components.sh with it); " +
      "kube-rules validate keeps the API server's default (false), so it refuses every privileged container " +
      'with "securityContext.privileged: Forbidden: disallowed by cluster policy". Where the API server ' +
      'refuses the object for another reason, the gate says that too, plus this line.',
    matches: (d) => (d.kind === 'gate-only' || d.kind === 'message') && d.gate.every((line) => PRIVILEGED.test(line)),
  },
  {
    name: 'Unknown fields named in another order',
    explanation:
      "Known gap of the gate's reading. kubectl reads YAML into maps and sends JSON with the keys sorted " +
      '(sigs.k8s.io/yaml), so the API server meets unknown fields in alphabetical order; the gate hands ' +
      "kube-rules the keys in the file's order, so its strict decoding error names the same fields in another " +
      'order.',
    matches: (d) =>
      d.kind === 'message' &&
      d.gate.length === 1 &&
      d.gate[0].includes('strict decoding error') &&
      unknownFields(d.gate[0]).join() === unknownFields(d.server).join(),
  },
];
