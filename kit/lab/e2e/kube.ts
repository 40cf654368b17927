// Helpers of the end-to-end test: run kubectl as a user would, and wait for the cluster to
// reach a state.
import { setTimeout as sleep } from 'node:timers/promises';
import { type KubectlResult, kubectlSync } from '../../pkg/common/kubectl';
import { restrictedNamespace } from '../../pkg/common/restricted';

const started = Date.now();
/** Set while `eventually` polls, so a wait prints one line rather than one per try. */
let polling = false;

/** One progress line on stderr, so a slow step shows what it is waiting for. */
export function progress(message: string): void {
  process.stderr.write(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
}

/** Runs `kubectl ...args` against $KUBECONFIG, with `input` on stdin, as a progress line; never throws on its exit. */
export function kubectl(args: readonly string[], input?: string): KubectlResult {
  if (!polling) {
    progress(`kubectl ${args.join(' ')}`);
  }
  return kubectlSync(args, { input });
}

/** Fails, with kubectl's output, unless it exited 0. */
export function expectSuccess(result: KubectlResult): void {
  if (result.status !== 0) {
    throw new Error(`kubectl ${result.args.join(' ')} exited ${result.status}:\n${result.stderr}${result.stdout}`);
  }
}

/** Fails, with kubectl's output, unless it exited non-zero. */
export function expectFailure(result: KubectlResult): void {
  if (result.status === 0) {
    throw new Error(`kubectl ${result.args.join(' ')} exited 0, expected a failure:\n${result.stderr}${result.stdout}`);
  }
}

/** Runs kubectl and returns its stdout; throws with its stderr if it exits non-zero. */
export function kubectlOk(args: readonly string[], input?: string): string {
  const result = kubectl(args, input);
  if (result.status !== 0) {
    throw new Error(`kubectl ${args.join(' ')} exited ${result.status}:\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

/** `kubectl get ... -o json`, parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API objects are arbitrary JSON, checked by the tests.
export function getJson(args: readonly string[]): any {
  return JSON.parse(kubectlOk(['get', ...args, '-o', 'json']));
}

/**
 * Runs `check` until it stops throwing (every `intervalMs`), then returns its result; after
 * `timeoutMs` rethrows its last error, so the failure says what was still wrong.
 */
export async function eventually<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs: number,
  intervalMs = 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  progress(`waiting up to ${timeoutMs / 1000}s: ${what}`);
  for (;;) {
    try {
      polling = true;
      return await check();
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
    } finally {
      polling = false;
    }
    await sleep(intervalMs);
  }
}

/**
 * Creates `namespace` enforcing the restricted Pod Security Standard (label and namespace in
 * one request, so no pod ever lands in it unenforced), and waits for its default
 * ServiceAccount, without which the controller manager's pods would be refused.
 */
export async function createRestrictedNamespace(namespace: string, timeoutMs: number): Promise<void> {
  kubectlOk(['create', '-f', '-'], JSON.stringify(restrictedNamespace(namespace)));
  await eventually(
    `ServiceAccount default in ${namespace}`,
    () => kubectlOk(['get', 'serviceaccount', 'default', '-n', namespace]),
    timeoutMs,
  );
}

/** The body of `url` once it answers 200; after `timeoutMs` throws the last status or error. */
export function pageOf(url: string, timeoutMs: number): Promise<string> {
  return eventually(
    `${url} answers 200`,
    async () => {
      const response = await fetch(url);
      if (response.status !== 200) {
        throw new Error(`HTTP ${response.status}`);
      }
      return response.text();
    },
    timeoutMs,
  );
}

/** "Kind/name reason: message" of every Warning event in `namespace`, to explain a stuck pod or rollout. */
export function warningEvents(namespace: string): string {
  return getJson(['events', '-n', namespace])
    .items.filter((e: { type: string }) => e.type === 'Warning')
    .map(
      (e: { involvedObject: { kind: string; name: string }; reason: string; message: string }) =>
        `${e.involvedObject.kind}/${e.involvedObject.name} ${e.reason}: ${e.message}`,
    )
    .join('\n');
}

/** `key=value,...`: a matchLabels map as `kubectl get -l` takes it. */
export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/** Whether a node or pod reports the condition Ready=True. */
export function isReady(object: { status: { conditions?: { type: string; status: string }[] } }): boolean {
  return (object.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * Has the scheduler place the bare Pod `pod` of the manifests in `dir` on `nodeName`: with every
 * other node cordoned, the Pod is deleted and applied again (`kubectl apply -f dir`, which
 * leaves the rest as it is), and the nodes are uncordoned once it is Ready there.
 */
export async function placeBarePod(
  namespace: string,
  pod: string,
  dir: string,
  nodeName: string,
  timeoutMs: number,
): Promise<void> {
  const others = (getJson(['nodes']).items as { metadata: { name: string } }[])
    .map((n) => n.metadata.name)
    .filter((n) => n !== nodeName);
  for (const other of others) {
    kubectlOk(['cordon', other]);
  }
  try {
    kubectlOk(['delete', 'pod', pod, '-n', namespace, '--ignore-not-found']);
    kubectlOk(['apply', '-f', dir, '-n', namespace]);
    await eventually(
      `${pod} Ready on ${nodeName}`,
      () => {
        const json = getJson(['pod', pod, '-n', namespace]);
        if (!isReady(json) || json.spec.nodeName !== nodeName) {
          throw new Error(`on ${json.spec.nodeName}, Ready ${isReady(json)}`);
        }
      },
      timeoutMs,
    );
  } finally {
    for (const other of others) {
      kubectlOk(['uncordon', other]);
    }
  }
}
