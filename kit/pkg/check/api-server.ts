// The api-server gate: what kube-apiserver itself says to `kubectl create` of each object, offline.
// kube-rules validate (kube-rules/validate.go, crd.go) runs the API server's own Go code at the
// release kit/go/cluster/kube/go.mod pins: strict decoding, defaulting, conversion and the
// resource's registry strategy (PrepareForCreate, Validate), so each finding is a field path and
// the API server's message for it, word for word. That covers the built-in kinds, the extension
// servers' CustomResourceDefinition and APIService, and every custom resource whose
// CustomResourceDefinition is among the objects (apiextensions-apiserver's own checks: its
// structural schema, unknown fields, defaulting, nullable, OpenAPI validation, CEL rules); the
// schema gates leave custom resources to this gate. A custom resource whose definition is not
// among the objects is not checked: a note says so once per kind, and check still passes, as the
// definition may be installed in the cluster by something else. What it cannot see: admission
// (quotas, LimitRanges, Pod Security, webhooks) and what only storage knows (names and nodePorts
// already taken).
import { type Finding, displayPath } from './findings';
import { objectId } from '../common/kube';
import type { ManifestObject } from '../common/manifests';
import { run } from '../common/process';

/** kube-rules validate's answer for one object. */
export interface Verdict {
  /** False for a custom resource whose definition is not among the objects, or a kind the API server never stores (a review). */
  readonly checked: boolean;
  /** The API server's refusal, cause by cause; empty when it would take the object. */
  readonly errors: readonly { readonly field: string; readonly message: string }[];
  /** Why the object was not checked, once per kind: a custom resource whose definition is not among the objects. */
  readonly note?: string;
}

/** kube-rules validate's verdict on each of `objects`, in order. */
export async function apiServerVerdicts(kubeRules: string, objects: readonly ManifestObject[]): Promise<Verdict[]> {
  if (objects.length === 0) {
    return [];
  }
  const input = JSON.stringify(objects.map(({ object }) => object));
  return JSON.parse((await run(kubeRules, ['validate'], { input })).stdout) as Verdict[];
}

/**
 * One finding per field the API server of `gate`'s release would refuse, in every object of
 * `objects`; each note (what the gate could not check, which fails nothing) goes to `note`.
 */
export async function apiServer(
  gate: string,
  kubeRules: string,
  objects: readonly ManifestObject[],
  note: (note: Finding) => void = () => undefined,
): Promise<Finding[]> {
  const verdicts = await apiServerVerdicts(kubeRules, objects);
  return objects.flatMap(({ file, object }, index) => {
    const { kind, name } = objectId(object);
    const where = { gate, file: displayPath(file), object: `${kind}/${name}` };
    const verdict = verdicts[index];
    if (verdict?.note !== undefined) {
      note({ ...where, field: '', message: verdict.note });
    }
    return (verdict?.errors ?? []).map(({ field, message }) => ({ ...where, field, message }));
  });
}
