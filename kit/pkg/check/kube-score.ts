// The kube-score gate: kube-score's default checks; every CRITICAL or WARNING it grades is a
// finding. An object opts out of a check it contradicts on purpose with kube-score's own
// `kube-score/ignore` annotation (see lib/kube-score.ts).
import { type Finding, displayPath } from './findings';
import { type ManifestObject, loadObjects } from '../common/manifests';
import { gateFiles } from './gate-files';
import { run } from '../common/process';
import { withTempDir } from '../common/temp-dir';

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

/**
 * Scores every object of `files` (`objects`, as the project's reader read them); one finding per
 * comment of a CRITICAL or WARNING check.
 */
export async function kubeScore(
  binary: string,
  files: readonly string[],
  objects: readonly ManifestObject[] = loadObjects(files),
): Promise<Finding[]> {
  let original = (file: string) => file;
  const { stdout, stderr } = await withTempDir('k8s-sandbox-kube-score-', async (dir) => {
    const handed = gateFiles(files, objects, dir);
    original = handed.original;
    const args = ['score', '--output-format', 'json', '--kubernetes-version', KUBERNETES_VERSION, ...handed.files];
    // Exit code 1 means "something graded CRITICAL": the JSON says what.
    return run(binary, args, { okExitCodes: [1] });
  });
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
          file: displayPath(original(scored.file_name)),
          object: `${scored.type_meta.kind}/${scored.object_meta.name}`,
          field: comment.path,
          message:
            `${GRADE_NAMES[result.grade] ?? `grade ${result.grade}`} ${result.check.id}: ${comment.summary}` +
            (comment.description === '' ? '' : ` (${comment.description})`),
        })),
      ),
  );
}
