// `npm run dev` on a real node, as a user meets it: the loop runs in a copy of the project (its
// main.ts is what the test edits and saves, never the checkout's), deploys into a namespace of its
// own that enforces the restricted Pod Security Standard, and each case asserts what the user
// reads and what the cluster holds afterwards:
//   - a replicas change ends with the new count Ready;
//   - a bad prop shows its message and construct path, and changes nothing in the cluster;
//   - a missing image fails fast, and after the restore the previous version serves at :31515;
//   - Ctrl-C ends the loop promptly and leaves no process and no temporary folder of its own.
// Run by kit/lab/e2e/run.sh --real-node (npm run test:e2e:node).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { copyProject, mainWithProps } from '../../pkg/common/project-copy';
import { createRestrictedNamespace, eventually, getJson, kubectl, pageOf, progress } from './kube';

const NAMESPACE = `${process.env.E2E_NAMESPACE ?? `k8s-sandbox-e2e-${Date.now().toString(36)}`}-dev`;
const WAIT_MS = Number(process.env.E2E_WAIT_SECONDS ?? 180) * 1000;
const PAGE_URL = 'http://127.0.0.1:31515/';
/** A failure fails fast: this long at most from the save to FAILED (the deploy's timeout is 300 s). */
const FAIL_FAST_SECONDS = 60;
/** Ctrl-C ends the loop within this long (no cluster of its own to stop). */
const EXIT_SECONDS = 15;
const work = fs.mkdtempSync(path.join(tmpdir(), 'k8s-sandbox-dev-node-'));
const project = path.join(work, 'project');
/** The loop's own temporary folder (TMPDIR): empty again once it has stopped. */
const loopTmp = path.join(work, 'tmp');
let mainTs = '';

let loop: ChildProcess | undefined;
let output = '';
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
let goodPage = '';

/** Saves main.ts of the copy with the sandbox's charts given `props` (a TypeScript literal). */
function saveMain(props: string): number {
  progress(`saving main.ts: addSandboxCharts(app, ${props})`);
  fs.writeFileSync(mainTs, mainWithProps(props));
  return output.length;
}

/** Waits until the loop's output after `from` matches `pattern`; the match. */
async function printed(pattern: RegExp, from: number, timeoutMs = WAIT_MS): Promise<RegExpExecArray> {
  return eventually(
    `npm run dev prints ${pattern}`,
    () => {
      const match = pattern.exec(output.slice(from));
      if (!match) {
        throw new Error(`npm run dev has not printed ${pattern}; its output since:\n${output.slice(from)}`);
      }
      return match;
    },
    timeoutMs,
    100,
  );
}

/** The sandbox's page at :31515, once it answers. */
function page(): Promise<string> {
  return pageOf(PAGE_URL, WAIT_MS);
}

/** The release's revisions, from Helm's own records (one Secret per revision). */
function revisions(): number {
  return getJson(['secrets', '-n', NAMESPACE, '-l', 'owner=helm,name=k8s-sandbox']).items.length;
}

beforeAll(async () => {
  mainTs = copyProject(project);
  fs.mkdirSync(loopTmp);
  await createRestrictedNamespace(NAMESPACE, WAIT_MS);
});

afterAll(() => {
  if (loop?.pid !== undefined && loop.exitCode === null && loop.signalCode === null) {
    process.kill(-loop.pid, 'SIGKILL');
  }
  fs.rmSync(work, { recursive: true, force: true });
  // The nodePort is the cluster's: free it for the other e2e files whatever order they run in.
  kubectl(['delete', 'services', '--all', '-n', NAMESPACE]);
  kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
});

describe('npm run dev on a real node', () => {
  test('at start it synthesizes, checks and deploys the app, then shows its pods Ready', async () => {
    progress(`$ npm run dev -- -n ${NAMESPACE} (in ${project})`);
    // Its own process group, as a terminal runs a command: Ctrl-C is SIGINT to the group.
    loop = spawn('npm', ['run', '-s', 'dev', '--', '-n', NAMESPACE], {
      cwd: project,
      detached: true,
      env: { ...process.env, TMPDIR: loopTmp },
    });
    const child = loop;
    exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        process.stderr.write(chunk);
      });
    }
    await printed(/^dev: watching cdk8s\.yaml, main\.ts, lib, imports/m, 0);
    await printed(/^\[\s*[\d.]+s\] deployed: revision 1, all \d+ objects healthy$/m, 0);
    await printed(new RegExp(`^dev: live: Deployment/${NAMESPACE}/nginx-deployment: 2/2 pods ready$`, 'm'), 0);
    await printed(new RegExp(`^dev: live: Pod/${NAMESPACE}/fib-client-pod: Running, 1/1 ready, 0 restarts$`, 'm'), 0);
    expect(output).toMatch(/^dev: gates pass/m);
    expect(output).toMatch(/preview of release k8s-sandbox in namespace .*: \d+ to create, 0 to change, 0 to prune/);
    goodPage = await page();
    expect(goodPage).toContain('<title>Fib Calculator (k8s-sandbox stand-in)</title>');
  });

  test('a replicas change saved: previewed, deployed, and the new count Ready', async () => {
    const from = saveMain('{ nginx: { replicas: 3 } }');
    await printed(/^dev: saved main\.ts: synthesizing$/m, from);
    await printed(/^\[\s*[\d.]+s\] deployed: revision 2, all \d+ objects healthy$/m, from);
    expect(output.slice(from)).toMatch(/~ Deployment\/.*nginx-deployment: change\n\s+spec\.replicas: 2 -> 3/);
    expect(getJson(['deployment', 'nginx-deployment', '-n', NAMESPACE]).status.readyReplicas).toBe(3);
    await printed(new RegExp(`^dev: live: Deployment/${NAMESPACE}/nginx-deployment: 3/3 pods ready$`, 'm'), from);
  });

  test('a bad prop saved: its message and construct path, nothing deployed, nothing changed', async () => {
    const before = { revisions: revisions(), deployment: getJson(['deployment', 'nginx-deployment', '-n', NAMESPACE]) };
    const from = saveMain('{ nginx: { replicas: 3 }, fibClient: { nodePort: 80 } }');
    await printed(
      /^FibClient: nodePort must be an integer in 30000-32767 \(got 80\); .*\n {2}construct: fib-client\/fib-client$/m,
      from,
    );
    await printed(/^dev: synth failed after [\d.]+ s \(the app's message is above\): nothing deployed/m, from);
    expect(output.slice(from)).not.toMatch(/gates pass|preview of release|deploying/);
    expect(revisions()).toBe(before.revisions);
    const after = getJson(['deployment', 'nginx-deployment', '-n', NAMESPACE]);
    expect(after.metadata.generation).toBe(before.deployment.metadata.generation);
    expect(after.status.readyReplicas).toBe(3);
    expect(await page()).toBe(goodPage);
  });

  test('a missing image saved: fails fast naming the pull error, restores, and the previous version keeps serving', async () => {
    const image = 'nginx:no-such-tag';
    const before = getJson(['deployment', 'nginx-deployment', '-n', NAMESPACE]).spec.template.spec.containers[0].image;
    const saved = Date.now();
    const from = saveMain(`{ nginx: { replicas: 3, image: '${image}' } }`);
    const failed = await printed(/^\[\s*[\d.]+s\] FAILED: (.*)$/m, from);
    expect(failed[1]).toMatch(/container nginx: (ErrImagePull|ImagePullBackOff)/);
    expect((Date.now() - saved) / 1000).toBeLessThan(FAIL_FAST_SECONDS);
    // The rollout keeps the old pods while the new one cannot pull: the page never stops.
    expect(await page()).toBe(goodPage);
    await printed(/^\[\s*[\d.]+s\] restored revision 2$/m, from);
    await printed(/^dev: the deploy failed \(above\)/m, from);
    expect(output.slice(from)).toContain(image);
    expect(output.slice(from)).not.toContain('not healthy after --timeout');
    const deployment = getJson(['deployment', 'nginx-deployment', '-n', NAMESPACE]);
    expect(deployment.spec.template.spec.containers[0].image).toBe(before);
    await printed(new RegExp(`^dev: live: Deployment/${NAMESPACE}/nginx-deployment: 3/3 pods ready$`, 'm'), from);
    expect(await page()).toBe(goodPage);
  });

  test('Ctrl-C ends the loop promptly and leaves no process and no temporary folder of its own', async () => {
    const child = loop!;
    const from = output.length;
    const pressed = Date.now();
    process.kill(-child.pid!, 'SIGINT');
    const result = await Promise.race([
      exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), EXIT_SECONDS * 1000)),
    ]);
    progress(
      `npm run dev ended ${((Date.now() - pressed) / 1000).toFixed(1)} s after Ctrl-C: ${JSON.stringify(result)}`,
    );
    expect(result).not.toBe('still running');
    expect(output.slice(from)).toMatch(/^dev: stopped$/m);
    // Nothing of its process group is left (npm, node, kubectl, kstatus-watch, Helm).
    await eventually(
      `no process left in the group of npm run dev`,
      () => {
        const left = spawnSync('pgrep', ['-g', String(child.pid)], { encoding: 'utf8' }).stdout.trim();
        if (left !== '') {
          throw new Error(`still running: ${left.replace(/\n/g, ', ')}`);
        }
      },
      EXIT_SECONDS * 1000,
      100,
    );
    expect(fs.readdirSync(loopTmp)).toEqual([]);
    // What it deployed stays: the loop stops, the app keeps running.
    expect(await page()).toBe(goodPage);
  });
});
