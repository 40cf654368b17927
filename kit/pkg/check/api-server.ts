// The api-server gate: what kube-apiserver itself says to `kubectl create` of each object of a
// built-in kind, offline. kube-rules validate (kube-rules/validate.go) runs the API server's own Go
// code at the release kit/go/cluster/kube/go.mod pins: strict decoding, defaulting, conversion and
// the resource's registry strategy (PrepareForCreate, Validate), so each finding is a field path
// and the API server's message for it, word for word. What it cannot see: admission (quotas,
// LimitRanges, Pod Security, webhooks) and what only storage knows (names and nodePorts already
// taken). Objects of custom kinds are left to the schema gates, which check them against their
// CustomResourceDefinition.
import { type Finding, displayPath } from './findings';
import { objectId } from '../common/kube';
import type { ManifestObject } from '../common/manifests';
import { run } from '../common/process';

/** kube-rules validate's answer for one object. */
export interface Verdict {
  /** False for a kind the API server does not build in (a custom resource) or never stores (a review). */
  readonly checked: boolean;
  /** The API server's refusal, cause by cause; empty when it would take the object. */
  readonly errors: readonly { readonly field: string; readonly message: string }[];
}

/** kube-rules validate's verdict on each of `objects`, in order. */
export async function apiServerVerdicts(kubeRules: string, objects: readonly ManifestObject[]): Promise<Verdict[]> {
  if (objects.length === 0) {
    return [];
  }
  const input = JSON.stringify(objects.map(({ object }) => object));
  return JSON.parse((await run(kubeRules, ['validate'], { input })).stdout) as Verdict[];
}

/** One finding per field the API server of `gate`'s release would refuse, in every object of `objects`. */
export async function apiServer(
  gate: string,
  kubeRules: string,
  objects: readonly ManifestObject[],
): Promise<Finding[]> {
  const verdicts = await apiServerVerdicts(kubeRules, objects);
  return objects.flatMap(({ file, object }, index) => {
    const { kind, name } = objectId(object);
    return (verdicts[index]?.errors ?? []).map(({ field, message }) => ({
      gate,
      file: displayPath(file),
      object: `${kind}/${name}`,
      field,
      message,
    }));
  });
}
