// `npm run check` given a pipe, as kubectl takes one: bash's `<(...)` and a FIFO. Every gate reads
// what the pipe gave (each gate is another program, and a pipe can be read once), and a finding
// names the pipe the user gave, not a temporary copy.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatManifests } from '../../common/manifests';
import { nginxDeployment } from './fixtures';
import { makeTempDir, removeTempDir } from '../../common/temp-dir';

const root = path.resolve(__dirname, '../../../..');

function bash(command: string, input: string) {
  const dir = makeTempDir('k8s-sandbox-check-pipe-');
  try {
    fs.writeFileSync(path.join(dir, 'in.yaml'), input);
    return spawnSync('bash', ['-c', command.replaceAll('IN', path.join(dir, 'in.yaml')).replaceAll('DIR', dir)], {
      cwd: root,
      encoding: 'utf8',
    });
  } finally {
    removeTempDir(dir);
  }
}

const check = 'node kit/cmd/sandbox-kit.js check';

test('<(...): every gate checks what it gave; findings name /dev/fd/N', () => {
  const deployment = nginxDeployment();
  delete deployment.spec.template.spec.containers[0].resources;
  const result = bash(`${check} <(cat IN)`, formatManifests([deployment]));
  expect(result.stderr).toMatch(/^check: 1 objects in \/dev\/fd\/\d+\n/);
  const lines = result.stdout.trim().split('\n');
  expect(lines).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        /^kube-score: \/dev\/fd\/\d+ Deployment\/nginx-deployment: nginx: CRITICAL container-resources/,
      ),
    ]),
  );
  expect(result.stdout).not.toContain('k8s-sandbox-check-pipes-');
  expect(result.status).toBe(1);
});

test("a FIFO in a folder: checked with the folder's other files", () => {
  const result = bash(
    `mkfifo DIR/piped.yaml && (cat IN > DIR/piped.yaml &) && ${check} DIR`,
    formatManifests([nginxDeployment()]),
  );
  expect(result.stderr).toMatch(/check: 2 objects in 2 files of .*\n/);
  // A Deployment without its NetworkPolicy and PodDisruptionBudget: findings name the FIFO by its own name.
  expect(result.stdout).toMatch(
    /^kube-score: \S+\/k8s-sandbox-check-pipe-\w+\/piped\.yaml Deployment\/nginx-deployment: /m,
  );
  expect(result.stdout).not.toContain('k8s-sandbox-check-pipes-');
});
