// Stopping what `npm run dev` started: every process descended from this one (cdk8s synth and
// the app it runs, kube-rules, kubectl, Helm, kstatus-watch, the cluster scripts), found by
// walking `ps`'s parent links, as no Node API lists a process's children. Helm takes SIGTERM as
// Ctrl-C and records its revision as failed before it exits, so the next deploy starts clean.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The live (not zombie) processes descended from `root`, children before their own. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  // -A: every process; POSIX fields, so the same on Linux and macOS.
  const listing = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,stat=,comm='], { encoding: 'utf8' });
  for (const line of listing.split('\n')) {
    const [pid, ppid, stat = '', command = ''] = line.trim().split(/\s+/);
    // Not ps itself, which lists itself as this process's child.
    const self = Number(ppid) === process.pid && path.basename(command) === 'ps';
    if (pid && ppid && !stat.startsWith('Z') && !self) {
      children.set(Number(ppid), [...(children.get(Number(ppid)) ?? []), Number(pid)]);
    }
  }
  const found: number[] = [];
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(root);
  return found;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone meanwhile.
  }
}

/**
 * Sends SIGTERM once to every descendant of this process (and to those started meanwhile), waits
 * up to `graceMs` for them all to exit, then sends SIGKILL to what is left. Resolves to how many
 * were stopped; none remains when it resolves.
 */
export async function stopDescendants(graceMs = 5000): Promise<number> {
  const told = new Set<number>();
  const deadline = Date.now() + graceMs;
  for (;;) {
    const left = descendants(process.pid);
    if (left.length === 0) {
      return told.size;
    }
    if (Date.now() > deadline) {
      left.forEach((pid) => signal(pid, 'SIGKILL'));
      left.forEach((pid) => told.add(pid));
    } else {
      left
        .filter((pid) => !told.has(pid))
        .forEach((pid) => {
          told.add(pid);
          signal(pid, 'SIGTERM');
        });
    }
    await sleep(50);
  }
}
