// Where `npm run apply` deploys to, resolved as kubectl resolves it (--kubeconfig, else
// $KUBECONFIG, else ~/.kube/config; --context, else the current context; -n, else the context's
// namespace, else default), and helm run there with the same target, given the flags it spells
// them with (kubectl's and kstatus-watch's: ../common/kubectl.ts).
import { type KubeTarget, kubectl } from '../common/kubectl';
import { type RunOptions, type RunResult, run } from '../common/process';
import { UsageError } from '../common/usage';

/** The app's Helm release, and the kubectl ApplySet it replaced (migrate.ts): one name for both. */
export const RELEASE = 'k8s-sandbox';

export interface Target extends KubeTarget {
  readonly namespace: string;
}

export function helm(
  bin: string,
  target: Target,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return run(
    bin,
    [
      ...args,
      `--namespace=${target.namespace}`,
      ...(target.kubeconfig ? [`--kubeconfig=${target.kubeconfig}`] : []),
      ...(target.context ? [`--kube-context=${target.context}`] : []),
    ],
    options,
  );
}

/**
 * The target of `flags`, after checking that its cluster answers: a missing kubeconfig or
 * context, or an API server that does not answer, is a UsageError (nothing was changed).
 */
export async function resolveTarget(flags: {
  context?: string;
  kubeconfig?: string;
  namespace?: string;
}): Promise<Target> {
  const viewConfig = () => kubectl(['config', 'view', '--minify', '-o', 'json'], { target: flags, okExitCodes: [1] });
  const reaching = kubectl(['get', '--raw=/readyz', '--request-timeout=10s'], { target: flags, okExitCodes: [1] });
  // The kubeconfig is read for the namespace when -n does not give it, and for the words of an
  // error; else not: each read is a kubectl process to start, beside the deploy's others.
  const viewing = flags.namespace === undefined ? viewConfig() : undefined;
  const reach = await reaching;
  if (reach.code === 0 && flags.namespace !== undefined) {
    return { ...flags, namespace: flags.namespace };
  }
  const config = await (viewing ?? viewConfig());
  if (config.code !== 0) {
    throw new UsageError(`no such context or kubeconfig: ${config.stderr.trim()}`);
  }
  const view = JSON.parse(config.stdout);
  const context = view.contexts?.[0];
  const server = view.clusters?.[0]?.cluster?.server ?? '(none)';
  if (reach.code !== 0) {
    throw new UsageError(
      `cannot reach the cluster of context ${context?.name ?? '(none)'} at ${server}; is it running? ` +
        `kubectl says: ${reach.stderr.trim()}`,
    );
  }
  return { ...flags, namespace: flags.namespace ?? context?.context?.namespace ?? 'default' };
}
