// `sandbox-kit apply` (`npm run apply`): deploy a folder of manifests (default dist/) with Helm, or
// Helm's history and rollback of the release (kit/pkg/deploy/deploy.ts).
import * as fs from 'node:fs';
import { DEFAULT_TIMEOUT_SECONDS, deploy, deployRequest, releaseCommand } from '../pkg/deploy/deploy';
import type { KubeObject } from '../pkg/common/kube';
import { loadObjects, manifestFiles } from '../pkg/common/manifests';
import { requireFresh } from '../pkg/common/synth-stamp';
import { UsageError } from '../pkg/common/usage';
import { CommandFailure, runCommand } from './command';

/** Go's longest time.Duration, in whole seconds: Helm reads --timeout into one. */
const MAX_TIMEOUT_SECONDS = 9_223_372_036;
/** Helm reads a revision into a Go int (int64). */
const MAX_REVISION = 9_223_372_036_854_775_807n;
/** The options of `npm run apply`, as util.parseArgs takes them: their defaults are a deploy's. */
const OPTIONS = {
  context: { type: 'string' },
  kubeconfig: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  timeout: { type: 'string', default: `${DEFAULT_TIMEOUT_SECONDS / 60}m` },
  'no-rollback': { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  confirm: { type: 'boolean', default: false },
} as const;

/** --timeout in seconds: a whole number of s, m or h, at most what Helm can hold. */
function parseTimeout(timeout: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(timeout);
  const timeoutSeconds = match ? Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'] : 0;
  if (timeoutSeconds === 0 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(
      `--timeout must be a positive whole number of s, m or h, at most 2562047h (the longest wait Helm can ` +
        `hold), e.g. 90s or 5m (got ${timeout})`,
    );
  }
  return timeoutSeconds;
}

/** The arguments after `history` (none) or `rollback` (a revision Helm can read): the revision, if any. */
function parseRevisionArgs(action: 'history' | 'rollback', rest: readonly string[]): string | undefined {
  const expected = action === 'history' ? 0 : 1;
  if (rest.length !== expected || (action === 'rollback' && !/^[1-9]\d*$/.test(rest[0] ?? ''))) {
    const what = action === 'history' ? 'no argument' : 'one revision number (see npm run apply -- history)';
    throw new UsageError(`${action} takes ${what} (got ${rest.length ? rest.join(' ') : 'none'})`);
  }
  if (action === 'rollback' && BigInt(rest[0] ?? '0') > MAX_REVISION) {
    throw new UsageError(
      `rollback's revision must be a whole number from 1 to ${MAX_REVISION} (the largest Helm reads) ` +
        `(got ${rest[0]}); npm run apply -- history lists the revisions`,
    );
  }
  return rest[0];
}

/** The folder to deploy (the one named, else a fresh dist/) and the objects its manifests hold. */
function readManifestDir(named: string | undefined): { dir: string; objects: KubeObject[] } {
  let dir = named;
  if (dir === undefined) {
    // The default folder is refused when the app changed since it was synthesized
    // (kit/pkg/common/synth-stamp.ts); a folder the user names is deployed as it is.
    try {
      dir = requireFresh('dist', 'name it (npm run apply -- dist)');
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) {
    const what = stat ? 'is a file, not a directory' : 'does not exist';
    throw new UsageError(`${dir} ${what}: name a directory of manifests (default dist/; run npm run synth first)`);
  }
  try {
    return { dir, objects: loadObjects(manifestFiles(dir)).map((m) => m.object) };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const COMMAND = {
  prefix: 'npm run apply',
  usage: `usage: npm run apply -- [DIR] [--timeout DURATION] [--no-rollback] [--confirm] [TARGET]
       npm run apply -- --dry-run [DIR] [TARGET]
       npm run apply -- history [TARGET]
       npm run apply -- rollback REVISION [--timeout DURATION] [TARGET]
  DIR                 a directory of manifests (default dist/)
  --timeout DURATION  how long to wait for every object to be healthy, e.g. 90s, 5m (default 5m)
  --no-rollback       leave a failed deploy in place instead of restoring the revision before it
  --dry-run           only show what the deploy would create, change and prune, field by field (every
                      deploy shows it first); changes nothing; exit 0 no changes, 1 changes, 2 error
  --confirm           ask on the terminal before deploying what the preview shows (default: no question)
  TARGET              --context NAME, --kubeconfig FILE, -n/--namespace NAME: as kubectl takes them`,
  options: OPTIONS,
} as const;

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(argv, COMMAND, async ({ values, positionals }) => {
    const timeoutSeconds = parseTimeout(values.timeout);
    const target = { context: values.context, kubeconfig: values.kubeconfig, namespace: values.namespace };
    if (values.confirm && (values['dry-run'] || !process.stdin.isTTY)) {
      const got = values['dry-run'] ? '--dry-run, which deploys nothing' : 'a standard input that is not a terminal';
      throw new UsageError(
        `--confirm must be given in a terminal, to a deploy (got ${got}); leave it out: CI and scripts deploy without asking`,
      );
    }
    const [first, ...rest] = positionals;
    if (first === 'history' || first === 'rollback') {
      return releaseCommand({ action: first, revision: parseRevisionArgs(first, rest), timeoutSeconds, target });
    }
    if (rest.length > 0) {
      throw new UsageError(`one directory at most (got ${positionals.join(' ')})`);
    }
    const { dir, objects } = readManifestDir(first);
    const dryRun = values['dry-run'];
    const request = deployRequest(dir, objects, target, {
      noRollback: values['no-rollback'],
      dryRun,
      confirm: values.confirm,
      timeoutSeconds,
    });
    try {
      return await deploy(request);
    } catch (error) {
      // A dry run that fails exits 2, apart from 1, which says it found changes.
      if (dryRun && !(error instanceof UsageError)) {
        throw new CommandFailure((error as Error).message, 2);
      }
      throw error;
    }
  });
}
