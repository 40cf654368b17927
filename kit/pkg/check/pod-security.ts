// The pod-security gate: every pod spec (a Pod's, or the pod template of a workload) meets the Pod
// Security Standard "restricted", as Kubernetes itself decides it: kube-rules (kube-rules/main.go)
// runs k8s.io/pod-security-admission's policy package, pinned to the release the cluster scripts
// build, at the policy versions of the API the manifests target (v1.27) and of that release.
import { type Finding, findingSite } from './findings';
import { podTemplate } from '../common/kube';
import type { ManifestObject } from '../common/manifests';
import { run } from '../common/process';

/** One check a pod breaks, as kube-rules reports it. */
interface Violation {
  /** What the API server prints first, e.g. `allowPrivilegeEscalation != false`. */
  readonly reason: string;
  /** Which containers or values, e.g. `container "nginx" must set ...`; may be empty. */
  readonly detail: string;
  /** The policy versions that forbid it, e.g. `["v1.27", "v1.34"]`; none when the pod could not be read. */
  readonly versions: readonly string[];
}

/** One finding per forbidden check per pod template of `objects`. */
export async function podSecurity(kubeRules: string, objects: readonly ManifestObject[]): Promise<Finding[]> {
  const pods = objects.flatMap(({ file, object }) => {
    const template = podTemplate(object);
    return template === undefined ? [] : [{ file, object, template }];
  });
  if (pods.length === 0) {
    return [];
  }
  const input = JSON.stringify(pods.map(({ template }) => ({ metadata: template.metadata, spec: template.spec })));
  const answers = JSON.parse((await run(kubeRules, ['pod-security'], { input })).stdout) as Violation[][];
  return pods.flatMap(({ file, object, template }, index) => {
    return (answers[index] ?? []).map((violation) => ({
      ...findingSite('pod-security', file, object),
      field: template.path === '' ? 'spec' : `${template.path}.spec`,
      message: [
        violation.detail === '' ? violation.reason : `${violation.reason}: ${violation.detail}`,
        ...(violation.versions.length === 0 ? [] : [`[restricted ${violation.versions.join(', ')}]`]),
      ].join(' '),
    }));
  });
}
