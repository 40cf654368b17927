// The kube-score gate: kube-score's default checks; every CRITICAL or WARNING it grades is a
// finding. An object opts out of a check it contradicts on purpose with kube-score's own
// `kube-score/ignore` annotation (see lib/kube-score.ts). It is handed kubectl's reading of the
// manifests (kubectl-read.ts) as one stream on stdin, so that it sees every object together (its
// checks across objects: a Deployment's PodDisruptionBudget, a pod's NetworkPolicy).
import { type Finding, displayPath } from './findings';
import type { ManifestObject } from '../common/manifests';
import { run } from '../common/process';

// kube-score's grades: 1 CRITICAL, 5 WARNING, 7 and 10 OK.
const GRADE_NAMES: Record<number, string> = { 1: 'CRITICAL', 5: 'WARNING' };
const WORST_ACCEPTED_GRADE = 7;

/**
 * The Kubernetes version kube-score judges against (its stable-version check recommends APIs
 * of that release): the version cdk8s-plus-27 targets.
 */
const KUBERNETES_VERSION = 'v1.27';

interface ScoredObject {
  readonly file_name: string;
  readonly type_meta: { readonly kind: string };
  readonly object_meta: { readonly name: string };
  readonly checks: readonly ScoredCheck[] | null;
}

interface ScoredCheck {
  readonly check: { readonly id: string; readonly name: string };
  readonly grade: number;
  readonly skipped: boolean;
  readonly comments: { readonly path: string; readonly summary: string; readonly description: string }[] | null;
}

/** Scores every object of `objects`; one finding per comment of a CRITICAL or WARNING check. */
export async function kubeScore(binary: string, objects: readonly ManifestObject[]): Promise<Finding[]> {
  if (objects.length === 0) {
    return [];
  }
  // Each object as JSON (flow style and escapes no longer matter), after a `# Source: N` line:
  // kube-score takes that line (Helm's mark of a template's file) as the object's file name, so
  // that its answer names N, the object's index here.
  const input = objects.map(({ object }, index) => `# Source: ${index}\n${JSON.stringify(object)}\n`).join('---\n');
  const args = ['score', '--output-format', 'json', '--kubernetes-version', KUBERNETES_VERSION, '-'];
  // Exit code 1 means "something graded CRITICAL": the JSON says what.
  const { stdout, stderr } = await run(binary, args, { input, okExitCodes: [1] });
  if (stdout.trim() === '') {
    throw new Error(`kube-score printed no result: ${stderr.trim()}`);
  }
  // `null` when no object is of a kind kube-score scores (a ConfigMap, a CRD, only empty documents).
  return ((JSON.parse(stdout) as ScoredObject[] | null) ?? []).flatMap((scored) =>
    (scored.checks ?? [])
      .filter((result) => !result.skipped && result.grade < WORST_ACCEPTED_GRADE)
      .flatMap((result) =>
        (result.comments ?? [{ path: '', summary: result.check.name, description: '' }]).map((comment) => ({
          gate: 'kube-score',
          file: displayPath(objects[Number(scored.file_name)]?.file ?? scored.file_name),
          object: `${scored.type_meta.kind}/${scored.object_meta.name}`,
          field: comment.path,
          message:
            `${GRADE_NAMES[result.grade] ?? `grade ${result.grade}`} ${result.check.id}: ${comment.summary}` +
            (comment.description === '' ? '' : ` (${comment.description})`),
        })),
      ),
  );
}
