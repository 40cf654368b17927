// Where `npm run apply` deploys to, resolved as kubectl resolves it (--kubeconfig, else
// $KUBECONFIG, else ~/.kube/config; --context, else the current context; -n, else the context's
// namespace, else default), and the three programs it runs there with the same target: kubectl,
// helm and kstatus-watch, each given the flags it spells them with.
import { spawn } from 'node:child_process';
import { type RunOptions, type RunResult, run } from '../common/process';
import { type ObjectId, displayId } from '../common/kube';

/** A bad command line: the message says what was wrong; the command exits 2 and changes nothing. */
export class UsageError extends Error {}

export interface Target {
  readonly context?: string;
  readonly kubeconfig?: string;
  readonly namespace: string;
}

function kubectlFlags(target: Partial<Target>): string[] {
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
  const config = await kubectl(flags, ['config', 'view', '--minify', '-o', 'json'], { okExitCodes: [1] });
  if (config.code !== 0) {
    throw new UsageError(`no such context or kubeconfig: ${config.stderr.trim()}`);
  }
  const view = JSON.parse(config.stdout);
  const context = view.contexts?.[0];
  const server = view.clusters?.[0]?.cluster?.server ?? '(none)';
  const reach = await kubectl(flags, ['get', '--raw=/readyz', '--request-timeout=10s'], { okExitCodes: [1] });
  if (reach.code !== 0) {
    throw new UsageError(
      `cannot reach the cluster of context ${context?.name ?? '(none)'} at ${server}; is it running? ` +
        `kubectl says: ${reach.stderr.trim()}`,
    );
  }
  return { ...flags, namespace: flags.namespace ?? context?.context?.namespace ?? 'default' };
}

export interface Progress {
  /** The last line kstatus printed for each object, by `Kind/namespace/name`. */
  latest(): Map<string, string>;
  stop(): void;
}

/**
 * Starts kstatus-watch on `ids`: each status change becomes one `log` line. A line's status and
 * message are kstatus's own words.
 */
export function startProgress(
  bin: string,
  target: Target,
  ids: readonly ObjectId[],
  log: (line: string) => void,
): Progress {
  const latest = new Map<string, string>();
  const child = spawn(bin, kubectlFlags(target), { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end(ids.map((id) => [id.group, id.kind, id.namespace, id.name].join('\t') + '\n').join(''));
  let buffer = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      const [kind = '', namespace = '', name = '', status = '', message = ''] = line.split('\t');
      const object = kind ? displayId({ group: '', kind, namespace, name }) : 'watch';
      const text = `${object}: ${status}${message ? `: ${message}` : ''}`;
      latest.set(object, text);
      log(text);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => log(`kstatus-watch: ${chunk.trim()}`));
  return {
    latest: () => latest,
    stop: () => child.kill(),
  };
}
