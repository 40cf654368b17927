// Where `npm run apply` deploys to, resolved as kubectl resolves it (--kubeconfig, else
// $KUBECONFIG, else ~/.kube/config; --context, else the current context; -n, else the context's
// namespace, else default), and the three programs it runs there with the same target: kubectl,
// helm and kstatus-watch (watch.ts), each given the flags it spells them with.
import { type RunOptions, type RunResult, run } from '../common/process';

/** A bad command line: the message says what was wrong; the command exits 2 and changes nothing. */
export class UsageError extends Error {}

export interface Target {
  readonly context?: string;
  readonly kubeconfig?: string;
  readonly namespace: string;
}

/** --kubeconfig and --context as kubectl spells them (kstatus-watch takes the same). */
export function kubectlFlags(target: Partial<Target>): string[] {
  return [
    ...(target.kubeconfig ? [`--kubeconfig=${target.kubeconfig}`] : []),
    ...(target.context ? [`--context=${target.context}`] : []),
  ];
}

export function kubectl(
  target: Partial<Target>,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return run('kubectl', [...kubectlFlags(target), ...args], options);
}

/** `kubectl get ... -o json` of a list of objects. */
export async function kubectlJson(target: Partial<Target>, args: readonly string[]): Promise<{ items: unknown[] }> {
  return JSON.parse((await kubectl(target, [...args, '-o', 'json'])).stdout);
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
  // Both at once: each is a kubectl process to start.
  const [config, reach] = await Promise.all([
    kubectl(flags, ['config', 'view', '--minify', '-o', 'json'], { okExitCodes: [1] }),
    kubectl(flags, ['get', '--raw=/readyz', '--request-timeout=10s'], { okExitCodes: [1] }),
  ]);
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
