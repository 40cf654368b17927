// `npm run dev -- --cluster`: the local cluster of kit/lab/cluster, started by up.sh as `npm run
// cluster:up` starts it, and stopped by down.sh when the loop ends, if the loop started it. A
// cluster already up in the state folder is used and left running: someone else started it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../common/process';

const ROOT = path.resolve(__dirname, '../../..');

export interface LocalCluster {
  readonly kubeconfig: string;
  /** Whether the loop started it, and so stops it. */
  readonly started: boolean;
}

/**
 * Runs a cluster script with the terminal's output; resolves to its exit code. In a process group
 * of its own, as the daemons up.sh starts inherit it: Ctrl-C in the terminal reaches the loop,
 * which stops the cluster with down.sh in order, not every component at once; and a second
 * Ctrl-C does not cut down.sh short.
 */
function script(name: string, args: readonly string[]): Promise<number> {
  const child = spawn('bash', [path.join(ROOT, 'kit/lab/cluster', name), ...args], {
    stdio: 'inherit',
    detached: true,
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 143)));
  });
}

/** The state folder the cluster scripts use (kit/lab/cluster/env.sh's STATE_DIR, one definition). */
async function stateDir(): Promise<string> {
  const { stdout } = await run('bash', ['-c', 'source kit/lab/cluster/env.sh && echo "$STATE_DIR"'], { cwd: ROOT });
  return stdout.trim();
}

/**
 * Starts the local cluster (with a real node when `realNode`), or finds the one already up;
 * `starting` is called just before it starts one.
 */
export async function startLocalCluster(
  realNode: boolean,
  log: (line: string) => void,
  starting: () => void,
): Promise<LocalCluster> {
  const dir = await stateDir();
  const kubeconfig = path.join(dir, 'kubeconfig');
  if (fs.existsSync(dir)) {
    log(`a local cluster is already up in ${dir}: deploying there, and leaving it running at the end`);
    return { kubeconfig, started: false };
  }
  log(`starting the local cluster${realNode ? ' with a real node' : ''} (npm run cluster:up); Ctrl-C stops it`);
  // From here the cluster is the loop's to stop, even if up.sh is interrupted half-way.
  starting();
  const code = await script('up.sh', realNode ? ['--real-node'] : []);
  if (code !== 0) {
    // The caller stops what it left (starting was called).
    throw new Error(`npm run cluster:up failed (exit ${code}; its output is above)`);
  }
  return { kubeconfig, started: true };
}

/** Stops the local cluster and removes everything it left (down.sh); throws if that fails. */
export async function stopLocalCluster(log: (line: string) => void): Promise<void> {
  log('stopping the local cluster it started (npm run cluster:down)');
  const code = await script('down.sh', []);
  if (code !== 0) {
    throw new Error(`npm run cluster:down failed (exit ${code}; its output is above)`);
  }
}
