// How kit/lab/cluster/up.sh and down.sh treat a state dir they find: a cluster that is up, one
// whose processes died, and one another checkout started. These cases need no cluster: the
// state dir is made here, with a `sleep` standing in for a component that still runs.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDir } from '../../../pkg/common/temp-dir';

const root = path.resolve(__dirname, '../../../..');
let stateDir: string;
let sleeper: ChildProcess;

/** Runs kit/lab/cluster/NAME with the state dir of this test. */
function run(name: string, ...args: string[]) {
  return spawnSync('bash', [path.join(root, 'kit/lab/cluster', name), ...args], {
    encoding: 'utf8',
    env: { ...process.env, K8S_SANDBOX_STATE_DIR: stateDir },
  });
}

/** A state dir as up.sh leaves it, started by `owner`, with one entry per component. */
function fakeCluster(owner: string, components: Record<string, number>) {
  fs.mkdirSync(path.join(stateDir, 'pids'), { recursive: true });
  fs.writeFileSync(path.join(stateDir, 'owner'), `${owner}\n`);
  fs.writeFileSync(path.join(stateDir, 'pids/order'), Object.keys(components).join('\n') + '\n');
  for (const [name, pid] of Object.entries(components)) {
    fs.writeFileSync(path.join(stateDir, `pids/${name}.pid`), `${pid} ${fs.realpathSync('/bin/sleep')}\n`);
  }
}

beforeEach(() => {
  stateDir = path.join(makeTempDir('k8s-sandbox-state-'), 'cluster');
  sleeper = spawn('/bin/sleep', ['60']);
});
afterEach(() => {
  sleeper.kill();
  removeTempDir(path.dirname(stateDir));
});

test('up.sh with a cluster up says so, and names the checkout that started it', () => {
  fakeCluster(root, { etcd: sleeper.pid!, 'kube-apiserver': sleeper.pid! });
  const result = run('up.sh');
  expect(result.stderr).toContain(`A cluster is already up in ${stateDir}, started by the checkout ${root}.`);
  expect(result.status).toBe(1);
});

test('up.sh with a dead API server says the cluster is broken and which component stopped', () => {
  // A pid that no longer runs the recorded executable: this test's own exited child.
  const exited = spawnSync('/bin/true').pid;
  fakeCluster(root, { etcd: sleeper.pid!, 'kube-apiserver': exited });
  const result = run('up.sh');
  expect(result.stderr).toContain(`The cluster in ${stateDir}, started by the checkout ${root}, is broken:`);
  expect(result.stderr).toContain('not running: kube-apiserver (their logs are in');
  expect(result.status).toBe(1);
});

test("down.sh leaves another checkout's cluster alone unless told --force", () => {
  fakeCluster('/elsewhere/k8s-sandbox', { etcd: sleeper.pid! });
  const refused = run('down.sh');
  expect(refused.stderr).toContain(
    `down.sh: the cluster in ${stateDir} was started by the checkout /elsewhere/k8s-sandbox, not this one (${root}).`,
  );
  expect(refused.status).toBe(1);
  expect(fs.existsSync(stateDir)).toBe(true);
  expect(sleeper.exitCode).toBeNull();

  const forced = run('down.sh', '--force');
  expect(forced.stderr).toContain(`stopping etcd (pid ${sleeper.pid})`);
  expect(forced.status).toBe(0);
  expect(fs.existsSync(stateDir)).toBe(false);
});

test('up.sh --real-node without root says why it cannot, and that the kwok cluster needs no root', () => {
  // As root, drop to the unprivileged user "nobody" for this one call.
  const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  const [command, ...args] = [...asUser, 'bash', path.join(root, 'kit/lab/cluster/up.sh'), '--real-node'];
  // A home that user can write (Go, which reads the pinned versions, makes go/ and .config/ there).
  const home = makeTempDir('k8s-sandbox-home-');
  fs.chmodSync(home, 0o1777);
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, HOME: home, K8S_SANDBOX_STATE_DIR: stateDir },
  });
  removeTempDir(home);
  expect(result.stderr).toContain('up.sh --real-node: runs containers, so it needs root');
  expect(result.stderr).toContain(
    'Without it, npm run cluster:up starts the default kwok cluster, which needs no root.',
  );
  expect(result.status).toBe(1);
  expect(fs.existsSync(stateDir)).toBe(false);
});

test('up.sh refuses an unknown argument, naming the one it takes', () => {
  const result = run('up.sh', '--real');
  expect(result.stderr).toContain(
    "up.sh: unknown argument '--real'; usage: up.sh [--real-node [--no-network-policy] [--nodes N]]",
  );
  expect(result.status).toBe(2);
});

test('up.sh refuses a --nodes that is not a whole number from 1 to 9, or without --real-node', () => {
  for (const count of ['0', '10', 'two', '']) {
    const result = run('up.sh', '--real-node', '--nodes', ...(count ? [count] : []));
    expect(result.stderr).toContain(
      `up.sh: --nodes must be a whole number from 1 to 9 (got '${count}'); e.g. --real-node --nodes 2`,
    );
    expect(result.status).toBe(2);
  }
  const kwok = run('up.sh', '--nodes', '2');
  expect(kwok.stderr).toContain(
    "up.sh: --nodes applies to --real-node only (got --nodes 2 without it); the kwok cluster's fake nodes are added with kit/lab/cluster/kwok-node.sh",
  );
  expect(kwok.status).toBe(2);
  expect(fs.existsSync(stateDir)).toBe(false);
});

test('up.sh refuses --no-network-policy without --real-node: the kwok node enforces nothing anyway', () => {
  const result = run('up.sh', '--no-network-policy');
  expect(result.stderr).toContain(
    'up.sh: --no-network-policy applies to --real-node only (the kwok node runs no containers and enforces nothing)',
  );
  expect(result.status).toBe(2);
  expect(fs.existsSync(stateDir)).toBe(false);
});

test('leftovers.sh names what down.sh recorded and is still there, and fails', () => {
  // A stand-in for a shim socket containerd left behind, and the container whose id it has.
  const socket = path.join(path.dirname(stateDir), 'shim-socket');
  fs.writeFileSync(socket, '');
  const record = path.join(path.dirname(stateDir), 'record');
  fs.writeFileSync(record, `container 0123abcd\nshim-socket ${socket}\n`);
  const result = run('leftovers.sh', stateDir, record);
  expect(result.stderr).toMatch(/^leftovers: the real node left \d+ things on this machine:\n/);
  expect(result.stderr).toContain(`  shim socket ${socket}\n`);
  expect(result.status).toBe(1);
});

test("leftovers.sh names a process still using a node's containerd socket, with the node's name", () => {
  const socket = path.join(path.dirname(stateDir), 'node-2.sock');
  // A stand-in for a shim of node 2 that outlived down.sh: its command line names the socket.
  // In a group of its own, so that its sleep goes with it (else the sleep would outlive the test,
  // holding the pipes Jest waits on).
  const shim = spawn('bash', ['-c', 'sleep 60; exit', '-address', socket], { stdio: 'ignore', detached: true });
  try {
    const record = path.join(path.dirname(stateDir), 'record');
    fs.writeFileSync(record, `node k8s-sandbox-node-2 k8s-sandbox-node-2 ${socket}\n`);
    const result = run('leftovers.sh', stateDir, record);
    expect(result.stderr).toContain(
      `  process ${shim.pid} of node k8s-sandbox-node-2: bash -c sleep 60; exit -address ${socket}`,
    );
    expect(result.status).toBe(1);
  } finally {
    process.kill(-(shim.pid ?? 0));
  }
});

test('component.sh stops a recorded component by its pid, and refuses a name the cluster does not have', () => {
  fakeCluster(root, { etcd: sleeper.pid! });
  const unknown = run('component.sh', 'stop', 'etcdd');
  expect(unknown.stderr).toContain(
    `component.sh: 'etcdd' is not a component of the cluster in ${stateDir}; its components: etcd`,
  );
  expect(unknown.status).toBe(2);
  expect(run('component.sh', 'running', 'etcd').status).toBe(0);

  const stopped = run('component.sh', 'stop', 'etcd');
  expect(stopped.stderr).toContain(`stopping etcd (pid ${sleeper.pid})`);
  expect(stopped.status).toBe(0);
  expect(run('component.sh', 'running', 'etcd').status).toBe(1);
});

test("component.sh stop-node refuses node 1 (the control plane's machine), a node the cluster lacks, or no name", () => {
  fakeCluster(root, { etcd: sleeper.pid! });
  const first = run('component.sh', 'stop-node', 'k8s-sandbox-node');
  expect(first.stderr).toContain(
    "component.sh: stop-node: 'k8s-sandbox-node' is node 1, this machine, where the control plane runs; only nodes 2..N of up.sh --real-node --nodes N can be stopped and started (this cluster has 1)",
  );
  expect(first.status).toBe(2);
  const unknown = run('component.sh', 'start-node', 'k8s-sandbox-node-3');
  expect(unknown.stderr).toContain(
    `component.sh: 'k8s-sandbox-node-3' is not a node of the cluster in ${stateDir}; its nodes: k8s-sandbox-node`,
  );
  expect(unknown.status).toBe(2);
  const two = run('component.sh', 'stop-node', 'k8s-sandbox-node-2', 'k8s-sandbox-node-3');
  expect(two.stderr).toContain("component.sh: stop-node takes one node's name (got 2); usage: component.sh");
  expect(two.status).toBe(2);
  const none = run('component.sh', 'stop-node');
  expect(none.stderr).toContain(
    'component.sh: no component named; usage: component.sh stop|start|running NAME... | stop-node|start-node NODE',
  );
  expect(none.status).toBe(2);
  expect(run('component.sh', 'running', 'etcd').status).toBe(0);
});

test('component.sh refuses an unknown action or no name, naming what it takes', () => {
  fakeCluster(root, { etcd: sleeper.pid! });
  const action = run('component.sh', 'restart', 'etcd');
  expect(action.stderr).toContain(
    "component.sh: unknown action 'restart'; usage: component.sh stop|start|running NAME...",
  );
  expect(action.status).toBe(2);
  const none = run('component.sh', 'stop');
  expect(none.stderr).toContain('component.sh: no component named; usage: component.sh stop|start|running NAME...');
  expect(none.status).toBe(2);
});

test('component.sh without a cluster says so', () => {
  const result = run('component.sh', 'start', 'etcd');
  expect(result.stderr).toContain(
    `component.sh: no cluster in ${stateDir} (no pids/order); start one with npm run cluster:up`,
  );
  expect(result.status).toBe(1);
});

test('kwok-node.sh without a node name says how to call it', () => {
  const result = run('kwok-node.sh');
  expect(result.stderr).toContain('kwok-node.sh: no node named; usage: kwok-node.sh NAME...');
  expect(result.status).toBe(2);
});

test('up.sh without Go says that the cluster is built with Go, and where to get it', () => {
  // A PATH of bash and the tools it needs to start, without Go.
  const bin = makeTempDir('k8s-sandbox-no-go-');
  try {
    for (const tool of ['bash', 'dirname', 'basename']) {
      const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      fs.symlinkSync(found, path.join(bin, tool));
    }
    const result = spawnSync(path.join(bin, 'bash'), [path.join(root, 'kit/lab/cluster/up.sh')], {
      encoding: 'utf8',
      env: { ...process.env, PATH: bin, K8S_SANDBOX_STATE_DIR: stateDir },
    });
    expect(result.stderr).toBe(
      'up.sh: Go is not installed or not on PATH: the local cluster is built from the Go modules in kit/go/cluster ' +
        '(the go line of kit/go/cluster/kube/go.mod names the version); install Go from https://go.dev/dl/ or add ' +
        'its bin folder to PATH\n',
    );
    expect(result.status).toBe(1);
  } finally {
    removeTempDir(bin);
  }
});
