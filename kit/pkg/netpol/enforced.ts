// npm run netpol:enforced (kit/cmd/netpol.ts): does the cluster of the current kubectl context enforce NetworkPolicy?
// It creates a temporary namespace enforcing the restricted Pod Security Standard, a server pod
// listening on two ports and a client pod, checks that the client reaches both ports, applies a
// NetworkPolicy that admits the first port only, and tries both again:
//   enforced        the denied port stops answering and the allowed one still answers (exit 0)
//   not enforced    the denied port still answers after the wait (exit 1)
//   could not tell  anything else, with why: the pods did not start, the client could not reach
//                   the server even before the policy, the policy cut the allowed port too (exit 3)
// The namespace goes at the end, on failure and on Ctrl-C too.
// The image is busybox (sh, httpd, nc); on the sandbox's real node it is a stand-in built from
// Debian's busybox-static (kit/lab/cluster/images.sh).
import { setTimeout as sleep } from 'node:timers/promises';
import { kubectl as runKubectl } from '../common/kubectl';
import { restrictedNamespace, restrictedPod } from '../common/restricted';

const ALLOWED_PORT = 8080;
const DENIED_PORT = 8081;
/** The label that tells the two pods apart. */
const ROLE = 'k8s-sandbox.netpol-probe/role';

/** The answer, and why. */
export interface Answer {
  readonly verdict: 'enforced' | 'not enforced' | 'could not tell';
  readonly why: string;
}
const EXIT_CODES: Record<Answer['verdict'], number> = { enforced: 0, 'not enforced': 1, 'could not tell': 3 };

/** What `npm run netpol:enforced` is asked. */
export interface ProbeOptions {
  /** How long to wait for the pods, and for the policy to take effect, in seconds. */
  readonly timeoutSeconds: number;
  /** The image of both pods: it must have sh, httpd and nc (busybox). */
  readonly image: string;
}

function progress(message: string): void {
  process.stderr.write(`netpol:enforced: ${message}\n`);
}

/** What kubectl printed, with `input` on its stdin. */
async function kubectl(args: readonly string[], input?: string): Promise<string> {
  return (await runKubectl(args, { input })).stdout;
}

/**
 * One TCP connection from the client to ip:port: busybox nc sends a line, httpd answers it and
 * closes. (busybox wget would read the page, but Debian's busybox-static 1.35 wget crashes.)
 */
async function connect(namespace: string, ip: string, port: number): Promise<{ ok: boolean; detail: string }> {
  const result = await runKubectl(
    ['exec', '-n', namespace, 'client', '--', 'sh', '-c', `echo | nc -w 3 ${ip} ${port}`],
    {
      okExitCodes: [1],
    },
  );
  if (result.code === 0) {
    return { ok: true, detail: 'connected' };
  }
  const detail = result.stderr.trim().split('\n').pop() ?? '';
  return { ok: false, detail: /timed? ?out/i.test(detail) ? 'timed out' : detail || `nc exited ${result.code}` };
}

/** Whether this run created the probe namespace, so that cleanup deletes it (and only then). */
let created = false;

/**
 * The probe, step by step. A step that cannot tell throws why, and main answers "could not tell"
 * with it, as it does for any other error.
 */
async function answer(namespace: string, options: ProbeOptions): Promise<Answer> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const remaining = () => `${Math.max(1, Math.round((deadline - Date.now()) / 1000))}s`;
  await reachCluster();
  await createProbe(namespace, options.image);
  const ip = await waitForProbe(namespace, options.image, remaining);
  await connectBeforePolicy(namespace, ip);
  progress(
    `applying a NetworkPolicy that admits port ${ALLOWED_PORT} only, then retrying port ${DENIED_PORT} until ${remaining()} pass`,
  );
  await applyPolicy(namespace);
  return judgePolicy(namespace, ip, deadline, options.timeoutSeconds);
}

async function reachCluster(): Promise<void> {
  try {
    await kubectl(['get', '--raw', '/version', '--request-timeout=10s']);
  } catch (error) {
    throw new Error(`the cluster cannot be reached: ${(error as Error).message}`);
  }
}

/** The restricted namespace with the server and the client pod. */
async function createProbe(namespace: string, image: string): Promise<void> {
  progress(`creating namespace ${namespace} (restricted Pod Security Standard) with a server and a client pod`);
  created = true;
  await kubectl(
    ['create', '-f', '-'],
    JSON.stringify(restrictedNamespace(namespace, { 'app.kubernetes.io/managed-by': 'k8s-sandbox-netpol-enforced' })),
  );
  const www = `mkdir -p /tmp/www && echo ok >/tmp/www/index.html`;
  const serve = `${www} && httpd -p ${ALLOWED_PORT} -h /tmp/www && exec httpd -f -p ${DENIED_PORT} -h /tmp/www`;
  const pods = JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      restrictedPod({
        name: 'server',
        labels: { [ROLE]: 'server' },
        image,
        command: ['sh', '-c', serve],
        readyPort: DENIED_PORT,
      }),
      restrictedPod({ name: 'client', labels: { [ROLE]: 'client' }, image, command: ['sleep', '3600'] }),
    ],
  });
  for (let tries = 0; ; tries++) {
    // The namespace's default ServiceAccount comes a moment after the namespace.
    try {
      await kubectl(['apply', '-n', namespace, '-f', '-'], pods);
      return;
    } catch (error) {
      if (tries >= 10) {
        throw new Error(`the probe pods were refused: ${(error as Error).message}`);
      }
      await sleep(1000);
    }
  }
}

/** The server's pod IP, once both pods are Ready; when they are not, why, with the warning events. */
async function waitForProbe(namespace: string, image: string, remaining: () => string): Promise<string> {
  progress(`waiting up to ${remaining()} for both pods to be Ready (image ${image})`);
  try {
    await kubectl([
      'wait',
      '-n',
      namespace,
      '--for=condition=Ready',
      'pod/server',
      'pod/client',
      `--timeout=${remaining()}`,
    ]);
  } catch (error) {
    const events = await kubectl([
      'get',
      'events',
      '-n',
      namespace,
      '--field-selector',
      'type=Warning',
      '-o',
      'custom-columns=OBJECT:.involvedObject.name,REASON:.reason,MESSAGE:.message',
      '--no-headers',
    ]).catch(() => '');
    throw new Error(
      `the probe pods did not become Ready: ${(error as Error).message}${events ? `\nwarning events:\n${events}` : ''}`,
    );
  }
  return (await kubectl(['get', 'pod', 'server', '-n', namespace, '-o', 'jsonpath={.status.podIP}'])).trim();
}

/** Both ports answer before any policy: otherwise a failure after the policy would prove nothing. */
async function connectBeforePolicy(namespace: string, ip: string): Promise<void> {
  progress(`before any policy: client -> server ${ip}:${ALLOWED_PORT} and :${DENIED_PORT}`);
  for (const port of [ALLOWED_PORT, DENIED_PORT]) {
    const before = await connect(namespace, ip, port);
    if (!before.ok) {
      throw new Error(
        `without any NetworkPolicy the client could not reach the server on port ${port} (${before.detail}), so a failure after the policy would prove nothing`,
      );
    }
  }
}

/** The NetworkPolicy that admits the allowed port only, to the server. */
async function applyPolicy(namespace: string): Promise<void> {
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    JSON.stringify({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'admit-one-port' },
      spec: {
        podSelector: { matchLabels: { [ROLE]: 'server' } },
        policyTypes: ['Ingress'],
        ingress: [{ ports: [{ protocol: 'TCP', port: ALLOWED_PORT }] }],
      },
    }),
  );
}

/** The verdict: retries the denied port until it fails twice in a row (then checks the allowed one) or the time is up. */
async function judgePolicy(namespace: string, ip: string, deadline: number, timeoutSeconds: number): Promise<Answer> {
  // Enforcers apply a policy within seconds; give them at least 20 s whatever is left.
  const policyDeadline = Math.max(deadline, Date.now() + 20_000);
  // A denial counts when two tries in a row fail: one failed connection can be a transient error
  // of the network or of the probe (seen on the real node: nc exited 1 once with no enforcer
  // hooked in), and a policy denies every try.
  let failedInARow = 0;
  for (;;) {
    const denied = await connect(namespace, ip, DENIED_PORT);
    failedInARow = denied.ok ? 0 : failedInARow + 1;
    if (failedInARow >= 2) {
      const allowed = await connect(namespace, ip, ALLOWED_PORT);
      if (!allowed.ok) {
        return {
          verdict: 'could not tell',
          why: `after the policy both ports fail (port ${DENIED_PORT}: ${denied.detail}; the admitted port ${ALLOWED_PORT}: ${allowed.detail}): something cuts more than the policy says`,
        };
      }
      return {
        verdict: 'enforced',
        why: `a NetworkPolicy admitting only port ${ALLOWED_PORT} stopped the connection to port ${DENIED_PORT} (${denied.detail}); port ${ALLOWED_PORT} still answered`,
      };
    }
    if (denied.ok && Date.now() > policyDeadline) {
      return {
        verdict: 'not enforced',
        why: `port ${DENIED_PORT} still answered ${Math.round((Date.now() - deadline) / 1000 + timeoutSeconds)}s after a NetworkPolicy that denies it: this cluster admits NetworkPolicies and ignores them`,
      };
    }
    await sleep(2000);
  }
}

async function cleanup(namespace: string): Promise<void> {
  if (!created) {
    return;
  }
  progress(`deleting namespace ${namespace}`);
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']).catch((error: Error) =>
    progress(`could not delete namespace ${namespace}, delete it by hand: ${error.message}`),
  );
}

/**
 * Probes the cluster of the current kubectl context, prints the answer and why; resolves to the
 * exit code: 0 enforced, 1 not enforced, 3 could not tell.
 */
export async function netpolEnforced(options: ProbeOptions): Promise<number> {
  const namespace = `netpol-enforced-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  // Ctrl-C or a kill: delete the namespace, then exit as the signal asks.
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      progress(`${signal}: stopping`);
      void cleanup(namespace).finally(() => process.exit(code));
    });
  }
  let result: Answer;
  try {
    result = await answer(namespace, options);
  } catch (error) {
    result = { verdict: 'could not tell', why: (error as Error).message };
  } finally {
    await cleanup(namespace);
  }
  const context = await kubectl(['config', 'current-context']).then(
    (out) => out.trim(),
    () => '(no context)',
  );
  console.log(`NetworkPolicy on ${context}: ${result.verdict}\n  why: ${result.why}`);
  return EXIT_CODES[result.verdict];
}
