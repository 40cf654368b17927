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
  /** The file, as `module/path` (its Go module and its path inside). */
  readonly file: string;
  readonly module: string;
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
      'The kind is not built into the API server, and no CRD of the corpus serves it: the CRDs of ' +
      "hack/testdata/CRD's Foo, Bar and Kind objects are written inline in kubectl's test scripts " +
      '(test/cmd/crd.sh, test/cmd/apply.sh), not in a file; Widget is served by the fake client of ' +
      "kubectl's apply unit tests (k8s.io/kubectl pkg/cmd/apply); Bogus is the deliberately unknown kind " +
      'of hack/testdata/multi-resource-2.yaml. kubectl cannot map the kind; the gate leaves a custom ' +
      'resource whose CRD is not among the objects it is given unchecked, with a note.',
    matches: (said, _object, gateChecked) => !gateChecked && /no matches for kind "[^"]+" in version/.test(said),
  },
];

export const CAUSES: readonly Cause[] = [
  {
    name: 'A clusterIP outside the Service range: the dry run words it otherwise',
    explanation:
      'Deliberate: the gate answers as the API server does on a create, and the test asks with ' +
      "`kubectl create --dry-run=server`, which takes another path in kube-apiserver 1.34's ClusterIP " +
      'allocator (pkg/registry/core/service/ipallocator). A create goes to the MetaAllocator, which finds no ' +
      'ServiceCIDR holding the IP: "the provided network does not match the current range" (the gate\'s ' +
      'words). A dry run goes to one ServiceCIDR\'s dry-run allocator, which says "the provided IP (...) is ' +
      'not in the valid range. The range of valid IPs is 10.96.0.0/16". Both refuse the object on ' +
      "spec.clusterIPs; `kubectl create` of the same file on the local cluster says the gate's words.",
    matches: (d) =>
      d.kind === 'message' &&
      d.object.kind === 'Service' &&
      d.gate.every((line) =>
        /^spec\.clusterIPs: Invalid value: .*: failed to allocate IP \S+: the provided network does not match the current range$/.test(
          line,
        ),
      ) &&
      /failed to allocate IP \S+: the provided IP \(\S+\) is not in the valid range/.test(d.server),
  },
];
