// kit/lab/e2e/run.sh tests the manifests as they are and does not synthesize: without any, it stops
// before a cluster starts, names the folder and says what to run.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDir } from '../../../pkg/common/temp-dir';

const root = path.resolve(__dirname, '../../../..');
let tmp: string;
beforeEach(() => (tmp = makeTempDir('k8s-sandbox-run-cli-')));
afterEach(() => removeTempDir(tmp));

test.each([[[]], [['--real-node']], [['--nodes']]])(
  'run.sh %j with an empty manifest folder exits 2 before a cluster starts',
  (args) => {
    const empty = path.join(tmp, 'dist');
    fs.mkdirSync(empty);
    const result = spawnSync('bash', ['kit/lab/e2e/run.sh', ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, E2E_DIST_DIR: empty, TMPDIR: tmp },
    });
    expect(result.stderr).toBe(
      `e2e: ${empty} holds no manifests (*.json, *.yaml, *.yml): run \`npm run synth\` first, or name a folder or file of manifests\n`,
    );
    expect(result.stdout).toBe('');
    expect(result.status).toBe(2);
    // Nothing was started: the run's work folder (cluster state) was never made.
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  },
);

test('run.sh says which manifests it tests, and how old they are', () => {
  const dist = path.join(tmp, 'dist');
  fs.mkdirSync(dist);
  fs.writeFileSync(path.join(dist, 'a.k8s.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n');
  const written = new Date('2026-01-02T03:04:05Z');
  fs.utimesSync(path.join(dist, 'a.k8s.yaml'), written, written);
  // An empty KUBECONFIG path stops the run at its first kubectl call, after the line.
  const result = spawnSync('bash', ['kit/lab/e2e/run.sh', '-t', 'nothing'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, E2E_DIST_DIR: dist, TMPDIR: tmp, KUBECONFIG: path.join(tmp, 'none') },
  });
  expect(result.stdout.split('\n')[0]).toBe(
    `e2e: testing 1 file of ${dist}/ as written at 2026-01-02T03:04:05Z; after changing the app, run npm run synth first`,
  );
});

test.each(['0', '10', 'two'])(
  'run.sh with E2E_NODES=%s exits 2 before a cluster starts, naming what it takes',
  (nodes) => {
    const result = spawnSync('bash', ['kit/lab/e2e/run.sh', '--real-node'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, E2E_NODES: nodes, TMPDIR: tmp },
    });
    expect(result.stderr).toBe(
      `e2e: E2E_NODES must be a whole number from 1 to 9 (got '${nodes}'); e.g. E2E_NODES=2 npm run test:e2e:node\n`,
    );
    expect(result.status).toBe(2);
    expect(fs.readdirSync(tmp)).toEqual([]);
  },
);
