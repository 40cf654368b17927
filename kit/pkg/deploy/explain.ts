// Why a deploy did not become healthy, in the cluster's own words: what the kubelet and the
// scheduler wrote into the status of the deploy's pods (the waiting reason and message, a
// crashed container's exit code, PodScheduled=False), a crashing container's last log lines,
// and the Warning events of the deployed objects, their ReplicaSets and pods since the deploy
// began (a failing probe, a PodSecurity refusal of the ReplicaSet's pods). Helm and kstatus
// stop at "not ready"; gathering this is what no tool does (kubectl describe prints one object
// at a time and all of it), so it is written here, and kept to reading and quoting: every
// reason and message below is the cluster's, only the "what to do" hints are ours.
//
// It is best-effort: the restore that follows must not wait on it. What it cannot read (a role
// that may not list events, a pod deleted meanwhile, an API server that blinks) is said in one
// line with kubectl's reason, and the rest is explained all the same; it never throws for a
// kubectl error.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ObjectId } from '../common/kube';
import { kubectl } from '../common/kubectl';
import { type Target } from './target';

interface Owned {
  readonly metadata: { name: string; ownerReferences?: { kind: string; name: string }[] };
}
interface ContainerStatus {
  readonly name: string;
  readonly image: string;
  readonly restartCount: number;
  readonly state?: { waiting?: { reason?: string; message?: string }; running?: object };
  readonly lastState?: { terminated?: { exitCode: number; reason?: string } };
}
export interface Pod extends Owned {
  readonly spec: { containers: { name: string; image: string }[]; initContainers?: { name: string; image: string }[] };
  readonly status: {
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}
interface Event {
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly count?: number;
  readonly involvedObject: { kind: string; name: string };
  readonly lastTimestamp?: string;
  readonly eventTime?: string;
  readonly series?: { lastObservedTime?: string };
}

const PULL_FAILURES = ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull'];

/** What a user reads after a failed deploy: one line per finding, indented under its object. */
export async function explainFailure(
  target: Target,
  ids: readonly ObjectId[],
  startedMs: number,
  kstatus: ReadonlyMap<string, string>,
): Promise<string[]> {
  const lines: string[] = ['why:'];
  // A cluster-scoped object (namespace '') owns no pods.
  for (const namespace of [...new Set(ids.map((id) => id.namespace).filter(Boolean))]) {
    lines.push(...(await explainNamespace(target, namespace, ids, startedMs)));
  }
  const notReady = [...kstatus.values()].filter((line) => !/: Current(:|$)/.test(line));
  if (notReady.length > 0) {
    lines.push('  still not ready (kstatus):', ...notReady.map((line) => `    ${line}`));
  }
  return lines;
}

async function explainNamespace(target: Target, namespace: string, ids: readonly ObjectId[], startedMs: number) {
  const inSet = new Set(ids.filter((id) => id.namespace === namespace).map((id) => `${id.kind}/${id.name}`));
  const ownedBySet = (o: Owned) => (o.metadata.ownerReferences ?? []).some((r) => inSet.has(`${r.kind}/${r.name}`));
  const lines: string[] = [];
  const [pods, replicaSets, events] = await Promise.all(
    ['pods', 'replicasets', 'events'].map(async (kind) => {
      const result = await kubectl(['get', kind, '-n', namespace, '-o', 'json'], { target, okExitCodes: [1] });
      if (result.code !== 0) {
        lines.push(`  could not read the ${kind} of namespace ${namespace}: ${kubectlReason(result.stderr)}`);
        return [];
      }
      return (JSON.parse(result.stdout) as { items: unknown[] }).items;
    }),
  );
  const ours = new Set(inSet);
  for (const rs of replicaSets as Owned[]) {
    if (ownedBySet(rs)) {
      ours.add(`ReplicaSet/${rs.metadata.name}`);
    }
  }
  const isOurs = (o: Owned, kind: string) => ours.has(`${kind}/${o.metadata.name}`) || ownedBySet(o);
  const ourPods = (pods as Pod[]).filter((pod) => isOurs(pod, 'Pod') || podOfOurReplicaSet(pod, ours));
  for (const pod of ourPods) {
    try {
      lines.push(...(await explainPod(target, namespace, pod)));
    } catch (error) {
      lines.push(
        `  ${namespace}/Pod/${pod.metadata.name}: could not explain it: ${(error as Error).message.split('\n')[0]}`,
      );
    }
  }
  const seen = new Set<string>();
  for (const event of events as Event[]) {
    const object = `${event.involvedObject.kind}/${event.involvedObject.name}`;
    const at = Date.parse(event.series?.lastObservedTime ?? event.lastTimestamp ?? event.eventTime ?? '');
    const key = `${object} ${event.reason}: ${event.message}`;
    // Events are kept an hour: only those of this deploy (a second of clock slack).
    if (event.type !== 'Warning' || !ours.has(object) || at < startedMs - 1000 || seen.has(key)) {
      continue;
    }
    seen.add(key);
    lines.push(
      `  ${namespace}/${object}: event ${event.reason}: ${event.message}${event.count ? ` (×${event.count})` : ''}`,
    );
    if (/violates PodSecurity/.test(event.message)) {
      lines.push(
        "    what to do: make the pod template meet the namespace's Pod Security level (the message lists each field)",
      );
    } else if (event.reason === 'Unhealthy') {
      lines.push('    what to do: the probe fails against the running container: check its path, port and timing');
    }
  }
  return lines;
}

function podOfOurReplicaSet(pod: Pod, ours: ReadonlySet<string>): boolean {
  return (pod.metadata.ownerReferences ?? []).some((r) => ours.has(`${r.kind}/${r.name}`));
}

/** kubectl's own reason, from what it printed on stderr: its last line ("Error from server ..."). */
function kubectlReason(stderr: string): string {
  return (
    stderr
      .trim()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .at(-1) ?? 'kubectl failed without a word'
  );
}

/**
 * What the pod's status says about why it is not Ready, as listed (`pod`, from `kubectl get
 * pods -o json`); the log lines and a waiting reason are read again, and a pod gone by then is
 * said so.
 */
export async function explainPod(target: Target, namespace: string, pod: Pod): Promise<string[]> {
  const conditions = pod.status.conditions ?? [];
  if (conditions.some((c) => c.type === 'Ready' && c.status === 'True')) {
    return [];
  }
  const where = `${namespace}/Pod/${pod.metadata.name}`;
  const lines: string[] = [];
  const scheduled = conditions.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') {
    lines.push(
      `  ${where}: ${scheduled.reason}: ${scheduled.message}`,
      '    what to do: no node meets what the scheduler names: lower the request or selector, or add a node that has it',
    );
  }
  for (const container of [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])]) {
    const waiting = container.state?.waiting;
    const terminated = container.lastState?.terminated;
    if (waiting?.reason && PULL_FAILURES.includes(waiting.reason)) {
      // The image being pulled is the spec's: the status may still name the one that ran before.
      const image = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find(
        (c) => c.name === container.name,
      )?.image;
      lines.push(
        `  ${where}: container ${container.name}: ${waiting.reason}: image ${image ?? container.image}: ${waiting.message ?? ''}`,
        '    what to do: check that this image and tag exist in the registry and that the node may pull them',
      );
    } else if (terminated) {
      const logs = await lastLogLines(target, namespace, pod.metadata.name, container.name);
      // Between two crashes the container runs again for a moment and has no waiting reason: read
      // the kubelet's word for it (CrashLoopBackOff) once it has one.
      const reason = waiting?.reason ?? (await waitingReason(target, namespace, pod.metadata.name, container.name));
      lines.push(
        `  ${where}: container ${container.name}: ${reason ?? 'restarted'}: exited with code ${terminated.exitCode}` +
          `${terminated.reason ? ` (${terminated.reason})` : ''}, ${container.restartCount} restarts; ` +
          (logs.code === 0 ? 'its last log lines:' : `could not read its log: ${kubectlReason(logs.stderr)}`),
        ...(logs.code === 0 ? (logs.stdout.trim() || '(none)').split('\n').map((line) => `    | ${line}`) : []),
        '    what to do: the container exits on its own: its log says why; fix the command, config or image',
      );
    } else if (waiting?.reason) {
      lines.push(
        `  ${where}: container ${container.name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`,
      );
    } else if (container.state?.running) {
      lines.push(
        `  ${where}: container ${container.name}: running but not ready (a failing readiness probe shows as an event)`,
      );
    }
  }
  return lines;
}

/**
 * The last log lines of a container that exited: the previous run's (`--previous`), or, when the
 * kubelet has just replaced that run and cannot find it ("unable to retrieve container logs"),
 * what `kubectl logs` shows now, which for a container in back-off is the same run's.
 */
async function lastLogLines(target: Target, namespace: string, pod: string, container: string) {
  const args = ['logs', pod, '-n', namespace, '-c', container, '--tail=10'];
  let previous = await kubectl([...args, '--previous'], { target, okExitCodes: [1] });
  // A few tries a second apart: the kubelet answers again once the restart has settled.
  for (let attempt = 0; attempt < 5; attempt++) {
    // A pod deleted meanwhile, or logs the role may not read: no retry will help.
    if ((previous.code === 0 && previous.stdout.trim() !== '') || /\((NotFound|Forbidden)\)/.test(previous.stderr)) {
      return previous;
    }
    const current = await kubectl(args, { target, okExitCodes: [1] });
    if (current.code === 0 && current.stdout.trim() !== '') {
      return current;
    }
    await sleep(1000);
    previous = await kubectl([...args, '--previous'], { target, okExitCodes: [1] });
  }
  return previous;
}

/** The container's waiting reason, read again each second for up to 10 s; undefined if none came. */
async function waitingReason(target: Target, namespace: string, pod: string, container: string) {
  for (let attempt = 0; attempt < 10; attempt++) {
    const read = await kubectl(['get', 'pod', pod, '-n', namespace, '-o', 'json'], { target, okExitCodes: [1] });
    if (read.code !== 0) {
      // Gone (deleted meanwhile) or unreadable: the reason stays unknown.
      return undefined;
    }
    const fresh = JSON.parse(read.stdout) as Pod;
    const status = (fresh.status.containerStatuses ?? []).find((c) => c.name === container);
    if (status?.state?.waiting?.reason) {
      return status.state.waiting.reason;
    }
    await sleep(1000);
  }
  return undefined;
}
