// The real node's containers as the host sees them, found from the project's own state only:
// containerd's socket in the cluster's state dir, and the cgroups the kubelet makes under the
// node's cgroup root (CGROUP_ROOT in kit/lab/cluster/env.sh). Used by the real-node suites to read
// a container's processes and to break it (SIGKILL, the cgroup freezer).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The kubelet's cgroupRoot on the real node (kit/lab/cluster/env.sh). */
const CGROUP_ROOT = 'k8s-sandbox';
/** cgroup v2 has one unified hierarchy; v1 one per controller, the freezer among them. */
const CGROUP_V2 = existsSync('/sys/fs/cgroup/cgroup.controllers');

/** A pod's container status, as far as the suites read it. */
export interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  containerID?: string;
  imageID?: string;
  state: { waiting?: { reason: string; message?: string }; running?: object; terminated?: object };
  lastState?: { terminated?: { reason: string } };
}
/** A pod, as far as the suites read it. */
export interface PodJson {
  metadata: { name: string; uid?: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { containers: { name: string; resources?: { limits?: Record<string, string> } }[] };
  status: {
    podIP?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: ContainerStatus[];
  };
}

/** Container id → pid of its main process, as containerd reports them (`ctr tasks ls`). */
export function containerPids(containerdSocket: string): Map<string, number> {
  const out = execFileSync('ctr', ['--address', containerdSocket, '-n', 'k8s.io', 'tasks', 'ls'], {
    encoding: 'utf8',
  });
  const pids = new Map<string, number>();
  for (const line of out.trim().split('\n').slice(1)) {
    const [id, pid] = line.trim().split(/\s+/);
    pids.set(id, Number(pid));
  }
  return pids;
}

/**
 * Every node's containerd socket: run.sh sets E2E_CONTAINERD_SOCKETS (space-separated, node 1's
 * first) on a cluster of several nodes, and E2E_CONTAINERD_SOCKET always (node 1's).
 */
export function containerdSockets(): string[] {
  const sockets = process.env.E2E_CONTAINERD_SOCKETS ?? process.env.E2E_CONTAINERD_SOCKET ?? '';
  return sockets.split(' ').filter((socket) => socket !== '');
}

/** Container id → pid of its main process, on every node ({@link containerPids} of each socket). */
export function allContainerPids(): Map<string, number> {
  return new Map(containerdSockets().flatMap((socket) => [...containerPids(socket)]));
}

/** The container id in a pod's containerStatus (`containerd://<id>`). */
export function containerId(status: { containerID?: string }): string {
  const id = (status.containerID ?? '').replace(/^containerd:\/\//, '');
  if (!/^[0-9a-f]{64}$/.test(id)) {
    throw new Error(`not a containerd container id: ${JSON.stringify(status.containerID)}`);
  }
  return id;
}

/** The directory under `top` named `name`, searched depth first; undefined if there is none. */
function findDir(top: string, name: string): string | undefined {
  for (const entry of readdirSync(top, { withFileTypes: true })) {
    if (!entry.isDirectory()) {
      continue;
    }
    const dir = path.join(top, entry.name);
    if (entry.name === name) {
      return dir;
    }
    const found = findDir(dir, name);
    if (found) {
      return found;
    }
  }
  return undefined;
}

/**
 * The cgroup of container `id` in the hierarchy that has the freezer (v1: the freezer
 * hierarchy; v2: the unified one), under the node's cgroup root; throws if there is none.
 */
export function containerCgroup(id: string): string {
  const top = path.join('/sys/fs/cgroup', CGROUP_V2 ? '' : 'freezer', CGROUP_ROOT);
  const dir = findDir(top, id);
  if (!dir) {
    throw new Error(`no cgroup of container ${id} under ${top}`);
  }
  return dir;
}

/** The pids in a container's cgroup. */
export function cgroupProcesses(cgroup: string): number[] {
  return readFileSync(path.join(cgroup, 'cgroup.procs'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map(Number);
}

/** Sends SIGKILL to every process of the container's cgroup; returns their pids. */
export function killContainer(cgroup: string): number[] {
  const pids = cgroupProcesses(cgroup);
  for (const pid of pids) {
    process.kill(pid, 'SIGKILL');
  }
  return pids;
}

/** Whether the cgroup is frozen now (it may be gone: then it is not). */
export function isFrozen(cgroup: string): boolean {
  try {
    return CGROUP_V2
      ? readFileSync(path.join(cgroup, 'cgroup.events'), 'utf8').includes('frozen 1')
      : readFileSync(path.join(cgroup, 'freezer.state'), 'utf8').trim() === 'FROZEN';
  } catch {
    return false;
  }
}

/**
 * Freezes (or thaws) every process of the container's cgroup through the cgroup freezer: the
 * processes stay, holding their sockets, but run no instruction. Freezing returns once the
 * kernel reports the cgroup frozen; thawing a cgroup that is gone does nothing.
 */
export async function setFrozen(cgroup: string, frozen: boolean): Promise<void> {
  const file = path.join(cgroup, CGROUP_V2 ? 'cgroup.freeze' : 'freezer.state');
  if (!frozen && !existsSync(file)) {
    return;
  }
  writeFileSync(file, CGROUP_V2 ? (frozen ? '1' : '0') : frozen ? 'FROZEN' : 'THAWED');
  for (let tries = 0; frozen && !isFrozen(cgroup); tries++) {
    if (tries > 100) {
      throw new Error(`${cgroup} did not freeze within 10 s`);
    }
    await sleep(100);
  }
}
