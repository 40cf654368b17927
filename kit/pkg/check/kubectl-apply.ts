// The kubectl-apply gate: what `kubectl apply -f dist` (the README's deploy, client-side apply)
// does to each object that `kubectl create` would not. kubectl writes the whole object into its
// kubectl.kubernetes.io/last-applied-configuration annotation before it creates it, and the API
// server refuses metadata.annotations over 256 KiB (apimachinery's TotalAnnotationSizeLimitB), so
// a large object (a big ConfigMap, a CustomResourceDefinition with a long schema) cannot be
// applied that way; server-side apply writes no such annotation. kube-rules kubectl-apply
// (kube-rules/kubectl_apply.go) computes the annotation with kubectl's own code and the limit with
// the API server's. Kept apart from the api-server gate, whose verdict is `kubectl create`'s.
import { type Finding, findingSite } from './findings';
import type { ManifestObject } from '../common/manifests';
import { run } from '../common/process';

/** kube-rules kubectl-apply's answer for one object. */
interface ApplyVerdict {
  /** The API server's refusal of the annotations kubectl apply sends; empty when they fit. */
  readonly errors: readonly { readonly field: string; readonly message: string }[];
  /** Their size as the API server counts it (keys and values), last-applied-configuration included. */
  readonly annotationBytes: number;
}

/** One finding per object of `objects` that client-side `kubectl apply` cannot create. */
export async function kubectlApply(kubeRules: string, objects: readonly ManifestObject[]): Promise<Finding[]> {
  if (objects.length === 0) {
    return [];
  }
  const input = JSON.stringify(objects.map(({ object }) => object));
  const verdicts = JSON.parse((await run(kubeRules, ['kubectl-apply'], { input })).stdout) as ApplyVerdict[];
  return objects.flatMap(({ file, object }, index) => {
    const verdict = verdicts[index];
    return (verdict?.errors ?? []).map(({ field, message }) => ({
      ...findingSite('kubectl-apply', file, object),
      field,
      message:
        `${message} (kubectl apply -f copies the whole object into the ` +
        `kubectl.kubernetes.io/last-applied-configuration annotation: ${verdict?.annotationBytes} bytes of ` +
        "annotations, over the API server's 256 KiB; apply it server-side: kubectl apply --server-side)",
    }));
  });
}
