// `npm run diff -- [--markdown] [BASE [AFTER]]` (kit/cmd/diff.ts): what applying one directory of manifests over
// another changes. AFTER is a folder or file of manifests, default dist/ (`npm run synth` writes
// it; when the app's sources changed since, the work tree is synthesized instead). BASE is one
// too, or a git ref whose manifests are synthesized into a temp folder for this run (default: the
// merge base with main); a BASE that names both is refused, as git refuses an ambiguous argument.
// Prints, per object, what was added, removed and changed, flagging what `kubectl apply` cannot
// change in place and what is risky. Writes nothing; exits 0 whatever the diff holds.
import * as fs from 'node:fs';
import type { KubeObject } from '../common/kube';
import { readManifests } from '../common/manifests';
import { diffManifests } from './manifest-diff';
import { markdownReport, textReport } from './report';
import { type BaseRef, defaultBase, resolveCommit, resolveRef, synthesizeAt, synthesizeWorkTree } from './synth';
import { staleness } from '../common/synth-stamp';
import { withTempDir } from '../common/temp-dir';
import { UsageError } from '../common/usage';

/** The manifests at `ref`, synthesized into a temp folder that is gone when this returns. */
async function manifestsAt(projectDir: string, base: BaseRef): Promise<{ objects: KubeObject[]; notes: string[] }> {
  return withTempDir('k8s-sandbox-diff-base-', async (outdir) => {
    const { notes } = await synthesizeAt(projectDir, base.commit, outdir);
    // A commit without an app, or with no chart, deploys nothing.
    return { objects: fs.readdirSync(outdir).length === 0 ? [] : readManifests(outdir), notes };
  });
}

/** The work tree's manifests, synthesized into a temp folder that is gone when this returns. */
async function workTreeManifests(projectDir: string): Promise<KubeObject[]> {
  return withTempDir('k8s-sandbox-diff-after-', async (outdir) => {
    await synthesizeWorkTree(projectDir, outdir);
    return fs.readdirSync(outdir).length === 0 ? [] : readManifests(outdir);
  });
}

/** One side of the diff: its objects, what to call it, and what the reader should know about it. */
interface Side {
  readonly objects: KubeObject[];
  readonly label: string;
  readonly notes: string[];
}

/** AFTER: the folder's manifests; dist/ by default, synthesized afresh when the app's sources no longer make it. */
async function afterSide(projectDir: string, afterArg: string | undefined): Promise<Side> {
  const afterDir = afterArg ?? 'dist';
  // The work tree's manifests first: a missing dist/ is reported before any synth runs.
  const objects = readManifests(afterDir);
  // dist/ by default, if the app's sources still make it; a folder named is taken as it is.
  const stale = afterArg === undefined ? staleness(projectDir, afterDir) : undefined;
  if (stale === undefined) {
    return { objects, label: afterDir, notes: [] };
  }
  console.error(`${stale}: synthesizing the work tree for this diff (npm run synth updates dist/) ...`);
  return { objects: await workTreeManifests(projectDir), label: `the work tree (synthesized: ${stale})`, notes: [] };
}

/** BASE: a folder's manifests, or those of a git ref (by default the merge base with main), synthesized. */
async function beforeSide(projectDir: string, baseArg: string | undefined, baseIsPath: boolean): Promise<Side> {
  if (baseIsPath && baseArg !== undefined) {
    return { objects: readManifests(baseArg), label: baseArg, notes: [] };
  }
  const base = baseArg === undefined ? await defaultBase(projectDir) : await resolveRef(projectDir, baseArg);
  console.error(`synthesizing ${base.label} ...`);
  const { objects, notes } = await manifestsAt(projectDir, base);
  return { objects, label: base.label, notes };
}

/** What `npm run diff` is asked to compare. */
export interface DiffRequest {
  /**
   * BASE: a folder or file of manifests, or a git ref whose manifests are synthesized.
   * @default - the merge base of HEAD with main (on main: HEAD)
   */
  readonly base?: string;
  /**
   * AFTER: a folder or file of manifests.
   * @default - dist/; the work tree, synthesized, when the app's sources changed since
   */
  readonly after?: string;
  /** GitHub Markdown, for a pull request's job summary, instead of text. */
  readonly markdown: boolean;
}

/**
 * Prints what applying `after` over `base` changes; resolves to the exit code (0, whatever the
 * diff holds). A `base` that names both a path and a commit is a UsageError, as git refuses it.
 */
export async function diff({ base: baseArg, after: afterArg, markdown }: DiffRequest): Promise<number> {
  // The project is the folder it runs in, as `npm run` runs it: any project with a cdk8s.yaml.
  const projectDir = process.cwd();
  const baseIsPath = baseArg !== undefined && fs.existsSync(baseArg);
  if (baseIsPath) {
    // As git refuses `git diff dist` when dist is both a revision and a file.
    const commit = await resolveCommit(projectDir, baseArg);
    if (commit !== undefined) {
      throw new UsageError(
        `BASE must name a folder or a git ref, not both (got ${baseArg}, a path and commit ` +
          `${commit.slice(0, 7)}); write ./${baseArg} for the path, or refs/heads/${baseArg}, refs/tags/${baseArg} ` +
          `or ${commit.slice(0, 7)} for the commit`,
      );
    }
  }
  const after = await afterSide(projectDir, afterArg);
  const before = await beforeSide(projectDir, baseArg, baseIsPath);
  const changes = diffManifests(before.objects, after.objects);
  const report = { before: before.label, after: after.label, notes: before.notes };
  process.stdout.write(
    markdown
      ? markdownReport(changes, report)
      : textReport(changes, { ...report, color: process.stdout.isTTY && !process.env.NO_COLOR }),
  );
  return 0;
}
