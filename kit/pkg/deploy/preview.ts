// The preview of `npm run apply`: what deploying a directory of manifests would change in the
// target cluster, object by object and field by field (created, changed, pruned), printed by
// every deploy before it acts, and alone by `npm run apply -- --dry-run`, which changes nothing.
//
// The engine is `kubectl diff --server-side`, run as Helm 4 applies: with Helm's field manager
// (Helm names it after its binary, `helm`), Helm's ownership label and annotations added to each
// object, and Helm's --force-conflicts when the deploy passes it. So the "after" of each object is
// the API server's own dry run of the very server-side apply Helm makes next (defaults, admission,
// a refusal included), and kubectl masks Secret values. Why not the others: Helm's
// `--dry-run=server` renders the chart but sends no object to the API server (pkg/action/upgrade.go
// returns before applying), so it shows no field change; helm-diff as a library would add a
// second Go module on Helm to build, and its live mode dry-runs a client-side three-way merge
// patch (Helm 3's way), not Helm 4's server-side apply (kit/docs/preview.md says more). What kubectl
// diff lacks, and this file adds: the objects the release holds and the directory does not (Helm
// prunes them), and field-by-field lines in `npm run diff`'s form (its diffValues, formatPath and
// formatValue).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { type KubeObject, type ObjectId, displayId, getPath, idKey, isRecord, objectId } from '../common/kube';
import { formatPath } from '../common/field-path';
import { parseManifests } from '../common/manifests';
import { withTempDir } from '../common/temp-dir';
import { declaredScopes, placedKey } from '../common/scope';
import { diffValues } from '../review/manifest-diff';
import { formatValue } from '../review/report';
import { kubectl } from '../common/kubectl';
import { type Target } from './target';

/** What a deploy would do to one object. */
export interface PlannedChange {
  readonly id: ObjectId;
  readonly change: 'create' | 'change' | 'prune';
  /** For a changed object, each field that changes, in `npm run diff`'s form. */
  readonly fields: readonly { readonly path: string; readonly before: unknown; readonly after: unknown }[];
}

/** What a deploy would do: the objects it changes, and notes on what it leaves alone. */
export interface Plan {
  readonly changes: readonly PlannedChange[];
  readonly notes: readonly string[];
}

// Helm's resource policy that keeps an object the release no longer holds (pkg/kube/resource_policy.go).
const KEEP = 'helm.sh/resource-policy';

// Metadata the API server writes and a dry run moves on by itself (the generation of a changed
// spec), and the status, which an apply never sets: they say nothing about what the deploy changes.
const SERVER_METADATA = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp'];
// A Secret applied by kubectl's client-side apply carries its values in this annotation, which
// kubectl diff does not mask.
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function comparable(object: KubeObject): KubeObject {
  const rest = { ...object };
  delete rest.status;
  const metadata = { ...(isRecord(rest.metadata) ? rest.metadata : {}) };
  for (const key of SERVER_METADATA) {
    delete metadata[key];
  }
  if (rest.kind === 'Secret' && isRecord(metadata.annotations) && LAST_APPLIED in metadata.annotations) {
    metadata.annotations = { ...metadata.annotations, [LAST_APPLIED]: '***' };
  }
  return { ...rest, metadata };
}

/**
 * The plan from kubectl diff's two sides (`live`: the objects that exist now; `merged`: each
 * object of the directory after the dry run) and the release's objects the directory lacks that
 * exist now (`pruned`), each side in any order.
 */
export function planChanges(
  live: readonly KubeObject[],
  merged: readonly KubeObject[],
  pruned: readonly KubeObject[],
): Plan {
  const liveById = new Map(live.map((object) => [idKey(objectId(object)), object]));
  const changes: PlannedChange[] = [];
  const notes: string[] = [];
  for (const after of merged) {
    const id = objectId(after);
    const before = liveById.get(idKey(id));
    if (before === undefined) {
      changes.push({ id, change: 'create', fields: [] });
      continue;
    }
    const fields = diffValues(comparable(before), comparable(after)).map((field) => ({
      path: formatPath(field.path),
      before: field.before,
      after: field.after,
    }));
    if (fields.length > 0) {
      changes.push({ id, change: 'change', fields });
    }
  }
  for (const object of pruned) {
    const id = objectId(object);
    if (getPath(object, 'metadata', 'annotations', KEEP) === 'keep') {
      notes.push(`${displayId(id)}: kept (${KEEP}: keep), though the manifests no longer hold it`);
    } else {
      changes.push({ id, change: 'prune', fields: [] });
    }
  }
  const order = { create: 0, change: 1, prune: 2 };
  changes.sort((a, b) => order[a.change] - order[b.change] || displayId(a.id).localeCompare(displayId(b.id)));
  return { changes, notes };
}

const MARK = { create: '+', change: '~', prune: '-' } as const;

/** The plan as the deploy prints it: a summary line, then a line per object and per field. */
export function formatPlan(plan: Plan, dir: string): string[] {
  const count = (change: PlannedChange['change']) => plan.changes.filter((c) => c.change === change).length;
  const summary =
    plan.changes.length === 0
      ? `no changes: the cluster already holds what ${dir} holds`
      : `${count('create')} to create, ${count('change')} to change, ${count('prune')} to prune`;
  const lines = [summary];
  for (const change of plan.changes) {
    const why = change.change === 'prune' ? ' (in the release, no longer in the manifests)' : '';
    lines.push(`  ${MARK[change.change]} ${displayId(change.id)}: ${change.change}${why}`);
    for (const field of change.fields) {
      lines.push(`      ${field.path}: ${formatValue(field.before)} -> ${formatValue(field.after)}`);
    }
  }
  lines.push(...plan.notes.map((note) => `  note: ${note}`));
  return lines;
}

/** Each object as Helm 4 sends it: with the ownership label and annotations of pkg/action/validate.go. */
function asHelmApplies(object: KubeObject, release: string, namespace: string): KubeObject {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  return {
    ...object,
    metadata: {
      ...metadata,
      labels: { ...(isRecord(metadata.labels) ? metadata.labels : {}), 'app.kubernetes.io/managed-by': 'Helm' },
      annotations: {
        ...(isRecord(metadata.annotations) ? metadata.annotations : {}),
        'meta.helm.sh/release-name': release,
        'meta.helm.sh/release-namespace': namespace,
      },
    },
  };
}

function readObjects(dir: string): KubeObject[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs
    .readdirSync(dir)
    .sort()
    .flatMap((file) => parseManifests(fs.readFileSync(path.join(dir, file), 'utf8'), file));
}

const DIFF_CONCURRENCY = 16;

/** kubectl diff's two sides: it hands them to KUBECTL_EXTERNAL_DIFF, which here copies them out. */
async function serverSideDiff(request: PreviewRequest, objects: readonly KubeObject[], forceConflicts: boolean) {
  return withTempDir('k8s-sandbox-preview-', async (work) => {
    const manifests = path.join(work, 'manifests.json');
    // JSON, not YAML: read back exactly as parsed (a `yes` stays a string).
    fs.writeFileSync(manifests, objects.map((object) => JSON.stringify(object)).join('\n'));
    const copy = path.join(work, 'copy-sides.sh');
    fs.writeFileSync(copy, '#!/bin/sh\ncp -R "$1" "$PREVIEW_OUT/live" && cp -R "$2" "$PREVIEW_OUT/merged"\n', {
      mode: 0o755,
    });
    const result = await kubectl(
      [
        'diff',
        '--server-side',
        // Helm's field manager: the name of its binary (pkg/kube/client.go, getManagedFieldsManager).
        `--field-manager=${path.basename(request.helmBin)}`,
        ...(forceConflicts ? ['--force-conflicts'] : []),
        // The objects' dry runs at once, not one after another (kubectl's default; the flag is
        // kubectl 1.28's). At most 16 at a time: enough for an app, and far below the request
        // rate kubectl allows itself.
        `--concurrency=${Math.max(1, Math.min(objects.length, DIFF_CONCURRENCY))}`,
        '-f',
        manifests,
        '-n',
        request.target.namespace,
      ],
      {
        target: request.target,
        env: { ...process.env, KUBECTL_EXTERNAL_DIFF: copy, PREVIEW_OUT: work },
        okExitCodes: [1, 2],
      },
    );
    if (result.code > 1) {
      throw new Error(result.stderr.trim() || `kubectl diff exited ${result.code}`);
    }
    if (!fs.existsSync(path.join(work, 'merged'))) {
      throw new Error(`kubectl diff handed over no objects: ${result.stderr.trim() || '(it printed nothing)'}`);
    }
    return { live: readObjects(path.join(work, 'live')), merged: readObjects(path.join(work, 'merged')) };
  });
}

/** The objects the release holds that `objects` does not and that exist now: what Helm prunes. */
async function prunedObjects(request: PreviewRequest, objects: readonly KubeObject[]): Promise<KubeObject[]> {
  const declared = declaredScopes(objects);
  const kept = new Set(objects.map((object) => placedKey(object, request.target.namespace, declared)));
  const gone = (await request.released).filter((id) => !kept.has(idKey(id)));
  const found: KubeObject[] = [];
  for (const namespace of [...new Set(gone.map((id) => id.namespace))]) {
    const refs = gone
      .filter((id) => id.namespace === namespace)
      .map((id) => `${id.kind.toLowerCase()}${id.group ? `.${id.group}` : ''}/${id.name}`);
    // A cluster-scoped object is in no namespace ('').
    const where = namespace ? ['-n', namespace] : [];
    const result = await kubectl(['get', ...refs, ...where, '-o', 'json', '--ignore-not-found'], {
      target: request.target,
      okExitCodes: [1],
    });
    if (result.code !== 0) {
      throw new Error(`kubectl get ${refs.join(' ')}: ${result.stderr.trim()}`);
    }
    found.push(...(result.stdout.trim() ? parseManifests(result.stdout, 'kubectl get') : []));
  }
  return found;
}

export interface PreviewRequest {
  readonly target: Target;
  readonly helmBin: string;
  readonly release: string;
  /** What the release's current revision holds, each where it went ([] before a first deploy): read once by deploy.ts for both. */
  readonly released: Promise<readonly ObjectId[]>;
  /** The directory of manifests, as the user named it, and its objects. */
  readonly dir: string;
  readonly objects: readonly KubeObject[];
  /**
   * Whether the deploy passes Helm's --force-conflicts (the move from the ApplySet, migrate.ts):
   * awaited only when the diff without it fails.
   */
  readonly forceConflicts: Promise<boolean>;
  /**
   * The check that the target's cluster answers, which may still run: nothing is printed before it
   * passed (when it fails, the deploy reports that alone).
   */
  readonly checked: Promise<unknown>;
  /** `--dry-run`: show the plan and stop. */
  readonly dryRun: boolean;
  /** `--confirm`: ask on the terminal before the deploy acts (kit/cmd/apply.ts checked it is one). */
  readonly confirm: boolean;
  readonly log: (line: string) => void;
}

/**
 * Prints what the deploy would change, and says whether it goes on. With `dryRun`, it never does,
 * and `exitCode` is 0 for no changes, 1 for changes, 2 when the preview failed. Otherwise it goes
 * on unless `confirm` asked and the answer was not yes (exitCode 1); a preview that failed (an
 * object the API server refuses in a dry run) is reported, and the deploy goes on: Helm applies in
 * its own order (a Namespace before what it holds), and stops at the first refusal itself.
 */
export async function previewDeploy(request: PreviewRequest): Promise<{ proceed: boolean; exitCode: number }> {
  const { log } = request;
  const objects = request.objects.map((object) => asHelmApplies(object, request.release, request.target.namespace));
  let plan: Plan | undefined;
  let failure: Error | undefined;
  try {
    // --force-conflicts changes a server-side apply only where it meets a conflict, which fails
    // the apply without it: so the diff runs without the flag, and again with it only when it
    // failed and the deploy passes it.
    const sides = () =>
      serverSideDiff(request, objects, false).catch(async (error: unknown) => {
        if (await request.forceConflicts) {
          return serverSideDiff(request, objects, true);
        }
        throw error;
      });
    const [{ live, merged }, pruned] = await Promise.all([sides(), prunedObjects(request, objects)]);
    plan = planChanges(live, merged, pruned);
  } catch (error) {
    failure = error as Error;
  }
  await request.checked;
  if (failure) {
    // A best-effort step in a deploy: whatever went wrong is one line, and the deploy goes on.
    const what = request.dryRun ? 'nothing was changed' : 'deploying without it: Helm has the last word';
    log(`preview FAILED (${what}): ${failure.message}`);
    if (request.dryRun) {
      return { proceed: false, exitCode: 2 };
    }
  }
  if (plan) {
    const [summary, ...lines] = formatPlan(plan, request.dir);
    log(`preview of release ${request.release} in namespace ${request.target.namespace}: ${summary}`);
    lines.forEach((line) => console.log(line));
    if (request.dryRun) {
      const changes = plan.changes.length > 0;
      log(`dry run: nothing was changed${changes ? `; npm run apply -- ${request.dir} makes these changes` : ''}`);
      return { proceed: false, exitCode: changes ? 1 : 0 };
    }
  }
  if (request.confirm) {
    const terminal = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await terminal.question('deploy these changes? [y/N] ');
    terminal.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      log('not deployed: not confirmed; nothing was changed');
      return { proceed: false, exitCode: 1 };
    }
  }
  return { proceed: true, exitCode: 0 };
}
