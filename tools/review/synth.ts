// Synthesizes the project's manifests for the review tools, without touching dist/: at the work
// tree, or at a git ref (its tree extracted to a temp dir with `git archive`, sharing the work
// tree's node_modules). Each run executes the `app:` command of that tree's cdk8s.yaml with
// CDK8S_OUTDIR set to a temp dir (cdk8s's App writes there), then parses what it wrote.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadObjects, manifestFiles } from '../common/manifests';
import type { KubeObject } from '../common/kube';

/** Runs `command` in `cwd`; throws with its output when it fails. */
function run(command: string, args: string[], cwd: string, input?: Buffer): Buffer {
  const result = spawnSync(command, args, { cwd, input, maxBuffer: 512 * 1024 * 1024 });
  if (result.error) {
    throw result.error;
  }
  if (result.status !== 0) {
    const output = `${result.stderr.toString()}${result.stdout.toString()}`.trim();
    throw new Error(`\`${[command, ...args].join(' ')}\` failed in ${cwd}:\n${output}`);
  }
  return result.stdout;
}

function git(cwd: string, ...args: string[]): string {
  return run('git', args, cwd).toString().trim();
}

/** The commit `ref` names, or undefined if it names none. */
function resolveCommit(cwd: string, ref: string): string | undefined {
  const result = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** A commit to compare the work tree with, and how to describe it. */
export interface BaseRef {
  readonly commit: string;
  readonly label: string;
}

/** The commit `ref` names; throws a readable error if none. */
export function resolveRef(projectDir: string, ref: string): BaseRef {
  const commit = resolveCommit(projectDir, ref);
  if (commit === undefined) {
    throw new Error(`${ref} names no commit in this repository`);
  }
  return { commit, label: `${ref} (${commit.slice(0, 7)})` };
}

/**
 * What a pull request would change: the merge base of HEAD with main (or origin/main, as in a CI
 * checkout). On main itself that is HEAD, so the diff shows the uncommitted changes. Without any
 * main branch, HEAD.
 */
export function defaultBase(projectDir: string): BaseRef {
  const head = resolveCommit(projectDir, 'HEAD');
  if (head === undefined) {
    throw new Error('this repository has no commit yet: there is nothing to compare the work tree with');
  }
  for (const branch of ['main', 'origin/main']) {
    if (resolveCommit(projectDir, branch) !== undefined) {
      const commit = git(projectDir, 'merge-base', 'HEAD', branch);
      const same = commit === head ? ', which is HEAD' : '';
      return { commit, label: `merge base with ${branch} (${commit.slice(0, 7)}${same})` };
    }
  }
  return { commit: head, label: `HEAD (${head.slice(0, 7)}; no main branch to take a merge base with)` };
}

/** Every object in the YAML files of `dir`, files in name order. */
export function readManifestDir(dir: string): KubeObject[] {
  return loadObjects(manifestFiles(dir)).map(({ object }) => object as KubeObject);
}

/** Runs the cdk8s app of the project in `projectDir` and returns the objects it synthesizes. */
export function synthesize(projectDir: string): KubeObject[] {
  const configFile = path.join(projectDir, 'cdk8s.yaml');
  if (!fs.existsSync(configFile)) {
    return []; // Before the project had an app there was nothing to deploy.
  }
  const app: unknown = parse(fs.readFileSync(configFile, 'utf8'))?.app;
  if (typeof app !== 'string') {
    throw new Error(`${configFile} has no \`app:\` command to synthesize with`);
  }
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-sandbox-review-out-'));
  try {
    const result = spawnSync('sh', ['-c', app], {
      cwd: projectDir,
      env: { ...process.env, CDK8S_OUTDIR: outdir },
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      throw new Error(`\`${app}\` failed in ${projectDir}:\n${`${result.stderr}${result.stdout}`.trim()}`);
    }
    return readManifestDir(outdir);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** What the project synthesized at `commit`, and caveats about how it was done. */
export function synthesizeAt(projectDir: string, commit: string): { objects: KubeObject[]; notes: string[] } {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-sandbox-review-tree-'));
  try {
    // `REF:prefix` is the project's folder even when it is not the repository's root.
    const prefix = git(projectDir, 'rev-parse', '--show-prefix');
    const archive = run('git', ['archive', '--format=tar', prefix ? `${commit}:${prefix}` : commit], projectDir);
    run('tar', ['-x', '-C', tree], projectDir, archive);
    // Installing the old dependencies would need the network and a minute; the work tree's do.
    // (A node_modules committed by mistake, such as a symlink, would shadow them: replace it.)
    fs.rmSync(path.join(tree, 'node_modules'), { recursive: true, force: true });
    fs.symlinkSync(path.join(projectDir, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
    const notes: string[] = [];
    const lockfile = (dir: string) => readIfExists(path.join(dir, 'package-lock.json'));
    if (lockfile(tree) !== lockfile(projectDir)) {
      notes.push(
        `package-lock.json differs from ${commit.slice(0, 7)}'s; both sides were synthesized with the work ` +
          "tree's node_modules, so changes that come from upgraded dependencies are not shown",
      );
    }
    return { objects: synthesize(tree), notes };
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
  }
}

function readIfExists(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}
