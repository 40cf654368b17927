// The toolkit's one way to run kubectl: `npm run apply` (against the target it resolves),
// `npm run netpol:enforced` (the current context), the end-to-end tests and the dev loop's
// benchmark ($KUBECONFIG) all run it through here. Its stdin always ends, whatever the command:
// a kubectl that found no credentials would otherwise wait on a prompt for them.
import { spawnSync } from 'node:child_process';
import { type RunOptions, type RunResult, run } from './process';

/** The cluster to talk to, as kubectl's flags name it; each unset means kubectl's own default. */
export interface KubeTarget {
  readonly context?: string;
  readonly kubeconfig?: string;
}

export interface KubectlOptions extends RunOptions {
  /** Where kubectl talks to: --kubeconfig and --context. */
  readonly target?: KubeTarget;
}

/** --kubeconfig and --context as kubectl spells them (kstatus-watch takes the same). */
export function kubectlFlags(target: KubeTarget): string[] {
  return [
    ...(target.kubeconfig ? [`--kubeconfig=${target.kubeconfig}`] : []),
    ...(target.context ? [`--context=${target.context}`] : []),
  ];
}

/** Runs `kubectl args` against `options.target`; rejects as {@link run} does. */
export function kubectl(args: readonly string[], options: KubectlOptions = {}): Promise<RunResult> {
  const { target = {}, ...runOptions } = options;
  return run('kubectl', [...kubectlFlags(target), ...args], { ...runOptions, input: options.input ?? '' });
}

/** `kubectl get ... -o json` of a list of objects. */
export async function kubectlJson(args: readonly string[], target: KubeTarget = {}): Promise<{ items: unknown[] }> {
  return JSON.parse((await kubectl([...args, '-o', 'json'], { target })).stdout);
}

/** What a kubectl invocation printed and how it exited. */
export interface KubectlResult {
  readonly args: readonly string[];
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `kubectl args` to its end, with `input` on stdin, and returns how it exited, never
 * throwing on a non-zero exit: for tests and benchmarks that look at the exit themselves. Killed
 * after 2 minutes.
 */
export function kubectlSync(
  args: readonly string[],
  options: { readonly input?: string; readonly env?: NodeJS.ProcessEnv } = {},
): KubectlResult {
  const result = spawnSync('kubectl', args, {
    encoding: 'utf8',
    input: options.input ?? '',
    env: options.env,
    timeout: 120_000,
  });
  if (result.error) {
    throw new Error(`could not run kubectl: ${result.error.message}`);
  }
  return { args, status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
