// npm run dev's stop (processes.ts): every process it started, and theirs, ends; one that
// ignores SIGTERM is killed after the grace time. Run in a Node process of its own, whose
// descendants are only the ones it starts here.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../../..');
const marker = `k8s-sandbox-dev-stop-${process.pid}`;

test('stopDescendants ends children and grandchildren, and kills one that ignores SIGTERM', () => {
  const script = `
    const { spawn } = require('node:child_process');
    const { descendants, stopDescendants } = require('./kit/pkg/dev/processes');
    // A shell with two children of its own, and a shell that ignores SIGTERM.
    spawn('bash', ['-c', 'sleep 60 & sleep 60 & wait # ${marker}'], { stdio: 'ignore' });
    spawn('bash', ['-c', 'trap "" TERM; for i in $(seq 600); do sleep 0.1; done # ${marker}'], { stdio: 'ignore' });
    setTimeout(async () => {
      const before = descendants(process.pid).length;
      const started = Date.now();
      const stopped = await stopDescendants(1000);
      console.log(JSON.stringify({ before, stopped, after: descendants(process.pid).length, ms: Date.now() - started }));
    }, 500);
  `;
  const result = spawnSync('node', ['-r', './kit/pkg/loader/ts-register.js', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.stderr).toBe('');
  const { before, stopped, after, ms } = JSON.parse(result.stdout) as Record<string, number>;
  expect(before).toBeGreaterThanOrEqual(4);
  expect(stopped).toBeGreaterThanOrEqual(4);
  expect(after).toBe(0);
  // The one that ignores SIGTERM waited out the grace time, then was killed.
  expect(ms).toBeGreaterThanOrEqual(1000);
  expect(spawnSync('pgrep', ['-f', marker]).stdout.toString()).toBe('');
});
