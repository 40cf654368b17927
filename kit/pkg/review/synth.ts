// The manifests of the project at a git ref, for `npm run diff` and the upgrade test: the ref's
// tree extracted to a temp dir with `git archive`, sharing the work tree's node_modules, and the
// `app:` command of that tree's cdk8s.yaml run with CDK8S_OUTDIR set to the folder to fill.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { run } from '../common/process';
import { withTempDir } from '../common/temp-dir';

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await run('git', args, { cwd })).stdout.trim();
}

/** The commit `ref` names, or undefined if it names none (or `cwd` is in no git repository). */
export async function resolveCommit(cwd: string, ref: string): Promise<string | undefined> {
  const result = await run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
    cwd,
    okExitCodes: [1, 128],
  });
  return result.code === 0 ? result.stdout.trim() : undefined;
}

/** Throws a readable error unless `projectDir` is inside a git work tree. */
async function requireRepository(projectDir: string): Promise<void> {
  const inside = await run('git', ['rev-parse', '--is-inside-work-tree'], { cwd: projectDir, okExitCodes: [128] });
  if (inside.stdout.trim() !== 'true') {
    throw new Error(
      `${projectDir} is not in a git repository: npm run diff synthesizes a git commit for its BASE; ` +
        'run it in a clone of the project, or give a folder of manifests as BASE',
    );
  }
}

/**
 * In a shallow clone (`git clone --depth N`, as CI checkouts are by default) the commits before
 * the cut are missing: what to say when a commit cannot be found, or '' in a full clone.
 */
async function shallowHint(projectDir: string): Promise<string> {
  const shallow = await git(projectDir, 'rev-parse', '--is-shallow-repository');
  return shallow === 'true'
    ? '; this clone is shallow (its history is cut off, as after git clone --depth), so older commits are ' +
        'missing: run git fetch --unshallow, or give a folder of manifests as BASE'
    : '';
}

/** A commit to compare the work tree with, and how to describe it. */
export interface BaseRef {
  readonly commit: string;
  readonly label: string;
}

/** The commit `ref` names; throws a readable error if none. */
export async function resolveRef(projectDir: string, ref: string): Promise<BaseRef> {
  await requireRepository(projectDir);
  const commit = await resolveCommit(projectDir, ref);
  if (commit === undefined) {
    throw new Error(
      `${ref} is no folder or file of manifests and names no commit in this repository${await shallowHint(projectDir)}`,
    );
  }
  return { commit, label: `${ref} (${commit.slice(0, 7)})` };
}

/**
 * What a pull request would change: the merge base of HEAD with main (or origin/main, as in a CI
 * checkout). On main itself that is HEAD, so the diff shows the uncommitted changes. Without any
 * main branch, HEAD.
 */
export async function defaultBase(projectDir: string): Promise<BaseRef> {
  await requireRepository(projectDir);
  const head = await resolveCommit(projectDir, 'HEAD');
  if (head === undefined) {
    throw new Error('this repository has no commit yet: there is nothing to compare the work tree with');
  }
  for (const branch of ['main', 'origin/main']) {
    if ((await resolveCommit(projectDir, branch)) !== undefined) {
      const mergeBase = await run('git', ['merge-base', 'HEAD', branch], { cwd: projectDir, okExitCodes: [1] });
      if (mergeBase.code !== 0) {
        throw new Error(`HEAD and ${branch} have no common commit in this repository${await shallowHint(projectDir)}`);
      }
      const commit = mergeBase.stdout.trim();
      const same = commit === head ? ', which is HEAD' : '';
      return { commit, label: `merge base with ${branch} (${commit.slice(0, 7)}${same})` };
    }
  }
  return { commit: head, label: `HEAD (${head.slice(0, 7)}; no main branch to take a merge base with)` };
}

/**
 * Writes the manifests the project synthesized at `commit` into `outdir` (which must be empty),
 * as `cdk8s synth` would write dist/ there, and returns caveats about how it was done. The one
 * place the toolkit runs the app: everything else reads a directory of manifests. Writes nothing
 * when the commit has no cdk8s.yaml (before the project had an app there was nothing to deploy)
 * or its app defines no chart.
 */
export async function synthesizeAt(projectDir: string, commit: string, outdir: string): Promise<{ notes: string[] }> {
  return withTempDir('k8s-sandbox-review-tree-', async (tree) => {
    // `REF:prefix` is the project's folder even when it is not the repository's root.
    const prefix = await git(projectDir, 'rev-parse', '--show-prefix');
    const archive = path.join(tree, '.archive.tar');
    await run('git', ['archive', '--format=tar', `--output=${archive}`, prefix ? `${commit}:${prefix}` : commit], {
      cwd: projectDir,
    });
    await run('tar', ['-x', '-f', archive, '-C', tree]);
    fs.rmSync(archive);
    // Installing the old dependencies would need the network and a minute; the work tree's do.
    // (A node_modules committed by mistake, such as a symlink, would shadow them: replace it.)
    fs.rmSync(path.join(tree, 'node_modules'), { recursive: true, force: true });
    fs.symlinkSync(path.join(projectDir, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
    const notes: string[] = [];
    const lockfile = (dir: string) => readIfExists(path.join(dir, 'package-lock.json'));
    if (lockfile(tree) !== lockfile(projectDir)) {
      notes.push(
        `package-lock.json differs from ${commit.slice(0, 7)}'s; its manifests were synthesized with the work ` +
          "tree's node_modules, so changes that come from upgraded dependencies are not shown",
      );
    }
    await runApp(tree, outdir, `cdk8s.yaml at ${commit.slice(0, 7)}`);
    return { notes };
  });
}

/**
 * Writes the manifests of the work tree as it is into `outdir` (which must be empty), as
 * {@link synthesizeAt} does for a commit: for `npm run diff` when dist/ is stale.
 */
export async function synthesizeWorkTree(projectDir: string, outdir: string): Promise<void> {
  await runApp(projectDir, outdir, 'cdk8s.yaml');
}

// Runs the `app:` command of `dir`'s cdk8s.yaml (`what` names it), if there is one.
async function runApp(dir: string, outdir: string, what: string): Promise<void> {
  const configFile = path.join(dir, 'cdk8s.yaml');
  if (fs.existsSync(configFile)) {
    const app: unknown = parse(fs.readFileSync(configFile, 'utf8'))?.app;
    if (typeof app !== 'string') {
      throw new Error(`${what} has no \`app:\` command to synthesize with`);
    }
    // cdk8s's App writes to CDK8S_OUTDIR, as under `cdk8s synth`.
    await run('sh', ['-c', app], { cwd: dir, env: { ...process.env, CDK8S_OUTDIR: path.resolve(outdir) } });
  }
}

function readIfExists(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}
