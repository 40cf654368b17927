// `sandbox-kit dev` (`npm run dev`): on each save, synth, the fast gates, the preview, the deploy
// (kit/pkg/dev/dev.ts).
import { dev } from '../pkg/dev/dev';
import { UsageError } from '../pkg/common/usage';
import { runCommand } from './command';

const COMMAND = {
  prefix: 'npm run dev',
  usage: `usage: npm run dev -- [--cluster [--real-node]] [TARGET]
  Watches main.ts, lib/, imports/, cdk8s.yaml and package-lock.json; at start and on each save:
  synth, the API server's validation and Pod Security, the deploy's preview, the deploy of
  npm run apply (fail fast, explain, restore), then the live state of the pods. Ctrl-C stops it.
  --cluster    start the local cluster (npm run cluster:up) and deploy there; Ctrl-C stops it
               again (npm run cluster:down). A local cluster already up is used and left running
  --real-node  with --cluster: a real node that runs the containers (needs root), as
               npm run cluster:up -- --real-node
  TARGET       --context NAME, --kubeconfig FILE, -n/--namespace NAME: as kubectl takes them
               (default: the current context, as npm run apply)`,
  options: {
    cluster: { type: 'boolean', default: false },
    'real-node': { type: 'boolean', default: false },
    context: { type: 'string' },
    kubeconfig: { type: 'string' },
    namespace: { type: 'string', short: 'n' },
  },
} as const;

export async function main(argv: readonly string[]): Promise<number> {
  const code = await runCommand(argv, COMMAND, ({ values, positionals }) => {
    if (positionals.length > 0) {
      throw new UsageError(
        `takes no DIR (got ${positionals.join(' ')}): it synthesizes the app into dist/ and deploys that; ` +
          'to deploy a folder once, run npm run apply -- DIR',
      );
    }
    if (values['real-node'] && !values.cluster) {
      throw new UsageError(
        '--real-node must come with --cluster (got --real-node alone): npm run dev -- --cluster --real-node',
      );
    }
    const named = [values.context && '--context', values.kubeconfig && '--kubeconfig'].filter(Boolean);
    if (values.cluster && named.length > 0) {
      throw new UsageError(
        `--cluster must not come with ${named.join(' or ')} (got --cluster and ${named.join(' and ')}): --cluster ` +
          'deploys to the local cluster it starts; leave one out',
      );
    }
    const target = { context: values.context, kubeconfig: values.kubeconfig, namespace: values.namespace };
    return dev({ cluster: values.cluster, realNode: values['real-node'], target });
  });
  // A loop that failed to start may hold a file watcher or a timer open: nothing more will run.
  if (code !== 0) {
    process.exit(code);
  }
  return code;
}
