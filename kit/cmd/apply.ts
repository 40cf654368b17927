// `sandbox-kit apply` (`npm run apply`): deploy a folder of manifests (default dist/) with Helm, or
// Helm's history and rollback of the release (kit/pkg/deploy/deploy.ts).
import {
  OPTIONS,
  deploy,
  deployRequest,
  parseRevisionArgs,
  parseTimeout,
  readManifestDir,
  releaseCommand,
} from '../pkg/deploy/deploy';
import { UsageError } from '../pkg/common/usage';
import { CommandFailure, runCommand } from './command';

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
