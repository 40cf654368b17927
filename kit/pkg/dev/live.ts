// The live state `npm run dev` prints after each deploy, until the next save: the pods of what it
// deployed (a bare Pod by name; a workload's pods by its selector's matchLabels), each with its
// phase, ready containers, restarts and the reason a container waits or last ended, and a
// workload's ready pods against its replicas. A line is printed when it changes, so a log reads
// as a history and a terminal shows the last state of each pod; `kubectl get pods -w` prints the
// same kind of line, but one object's and without the workload's count.
import { setTimeout as sleep } from 'node:timers/promises';
import { type KubeObject, displayId, getPath, isRecord, objectId } from '../common/kube';
import { kubectlJson } from '../common/kubectl';
import { type Target } from '../deploy/target';

/** How often the pods are listed. */
const POLL_MS = 1000;

/** The deployed objects whose pods are shown: each with the namespace it went to. */
export interface Deployed {
  readonly object: KubeObject;
  readonly namespace: string;
}

interface ContainerStatus {
  readonly name: string;
  readonly ready?: boolean;
  readonly restartCount?: number;
  readonly state?: { waiting?: { reason?: string }; terminated?: { reason?: string } };
}

function matches(labels: unknown, selector: Record<string, unknown>): boolean {
  return isRecord(labels) && Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** One pod as a line: `Pod/ns/name: Running, 1/1 ready, 0 restarts` and why a container is not running. */
export function podLine(pod: KubeObject): string {
  const statuses = (getPath(pod, 'status', 'containerStatuses') ?? []) as ContainerStatus[];
  const containers = (getPath(pod, 'spec', 'containers') ?? []) as unknown[];
  const ready = statuses.filter((s) => s.ready).length;
  const restarts = statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
  const phase = getPath(pod, 'metadata', 'deletionTimestamp') ? 'Terminating' : String(pod.status?.phase ?? 'Pending');
  const why = statuses.flatMap((s) => {
    const reason = s.state?.waiting?.reason ?? s.state?.terminated?.reason;
    return reason ? [`${s.name}: ${reason}`] : [];
  });
  return (
    `${displayId(objectId(pod))}: ${phase}, ${ready}/${containers.length} ready, ` +
    `${restarts} restart${restarts === 1 ? '' : 's'}${why.length ? ` (${why.join(', ')})` : ''}`
  );
}

/**
 * The live state of `deployed` given the pods of their namespaces: one line per pod and per
 * workload, by a key that stays the same while the object does.
 */
export function liveLines(deployed: readonly Deployed[], pods: readonly KubeObject[]): Map<string, string> {
  const lines = new Map<string, string>();
  for (const { object, namespace } of deployed) {
    const id = { ...objectId(object), namespace };
    const here = pods.filter((pod) => getPath(pod, 'metadata', 'namespace') === namespace);
    if (id.group === '' && id.kind === 'Pod') {
      const pod = here.find((p) => getPath(p, 'metadata', 'name') === id.name);
      lines.set(displayId(id), pod ? podLine(pod) : `${displayId(id)}: not found`);
      continue;
    }
    const selector = getPath(object, 'spec', 'selector', 'matchLabels');
    if (!isRecord(selector) || !isRecord(getPath(object, 'spec', 'template'))) {
      continue;
    }
    const owned = here.filter((pod) => matches(getPath(pod, 'metadata', 'labels'), selector));
    const ready = owned.filter((pod) => {
      const conditions = (getPath(pod, 'status', 'conditions') ?? []) as { type: string; status: string }[];
      return (
        !getPath(pod, 'metadata', 'deletionTimestamp') &&
        conditions.some((c) => c.type === 'Ready' && c.status === 'True')
      );
    }).length;
    const replicas = getPath(object, 'spec', 'replicas');
    const wanted = typeof replicas === 'number' ? `/${replicas}` : '';
    lines.set(displayId(id), `${displayId(id)}: ${ready}${wanted} pods ready`);
    for (const pod of owned) {
      lines.set(displayId(objectId(pod)), podLine(pod));
    }
  }
  return lines;
}

/** What changed from `before` to `after`, as lines to print: changed and new lines, then those gone. */
export function changedLines(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  return [
    ...[...after].filter(([key, line]) => before.get(key) !== line).map(([, line]) => line),
    ...[...before.keys()].filter((key) => !after.has(key)).map((key) => `${key}: gone`),
  ];
}

/** Lists the pods of `deployed` every second and logs what changed, until `signal` aborts. */
export async function showLiveState(
  target: Target,
  deployed: readonly Deployed[],
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const namespaces = [...new Set(deployed.map((d) => d.namespace))];
  let shown = new Map<string, string>();
  let lastError = '';
  while (!signal.aborted) {
    try {
      const lists = await Promise.all(namespaces.map((ns) => kubectlJson(['get', 'pods', '-n', ns], target)));
      if (signal.aborted) {
        return;
      }
      const now = liveLines(
        deployed,
        lists.flatMap((list) => list.items as KubeObject[]),
      );
      changedLines(shown, now).forEach(log);
      shown = now;
      lastError = '';
    } catch (error) {
      const message = String((error as Error).message ?? error).split('\n')[0] ?? '';
      if (message !== lastError && !signal.aborted) {
        log(`cannot list the pods (trying again every ${POLL_MS / 1000} s): ${message}`);
      }
      lastError = message;
    }
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}
