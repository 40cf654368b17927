// npm run dev's stop (processes.ts), on real processes: every process it started, and theirs,
// ends; one that ignores SIGTERM is killed. Run in a Node process of its own, whose descendants
// are only the ones it starts here. It decides by events, never by a pause or a duration: the
// stop begins once each shell has printed that it is set up, and each shell's exit signal says
// how it ended. How long the stop waits before SIGKILL is processes.test.ts's, on a fake clock.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../../..');
const marker = `k8s-sandbox-dev-stop-${process.pid}`;

// The bugs it catches: a child or grandchild left running (after > 0, or a marked shell still
// there), a stop that kills without asking first (the polite shell ended by SIGKILL), and one
// that never kills (the stubborn shell still there, so this test's process never ends).
test('stopDescendants ends children and grandchildren, and kills one that ignores SIGTERM', () => {
  const script = `
    const { spawn } = require('node:child_process');
    const { descendants, stopDescendants } = require('./kit/pkg/dev/processes');
    /** A shell running \`command\`, and its exit signal once it has ended. */
    function shell(command) {
      const child = spawn('bash', ['-c', command + ' # ${marker}'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const ready = new Promise((resolve) => child.stdout.once('data', resolve));
      const ended = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
      return { ready, ended };
    }
    // A shell with two children of its own, and a shell that ignores SIGTERM, as its children do
    // (an ignored signal stays ignored across exec). Each prints once it is set up: before that,
    // a SIGTERM would end the stubborn shell as any other.
    const polite = shell('sleep 60 & sleep 60 & echo ready; wait');
    const stubborn = shell('trap "" TERM; echo ready; for i in $(seq 600); do sleep 0.1; done');
    (async () => {
      await Promise.all([polite.ready, stubborn.ready]);
      const before = descendants(process.pid).length;
      const stopped = await stopDescendants(1000);
      const after = descendants(process.pid).length;
      const [politeEnded, stubbornEnded] = await Promise.all([polite.ended, stubborn.ended]);
      console.log(JSON.stringify({ before, stopped, after, politeEnded, stubbornEnded }));
    })();
  `;
  const result = spawnSync('node', ['-r', './kit/pkg/loader/ts-register.js', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.stderr).toBe('');
  const { before, stopped, after, politeEnded, stubbornEnded } = JSON.parse(result.stdout) as Record<string, unknown>;
  // The two shells and the polite one's two children, at least (the stubborn one's sleep comes and goes).
  expect(before).toBeGreaterThanOrEqual(4);
  expect(stopped).toBeGreaterThanOrEqual(4);
  expect(after).toBe(0);
  expect(politeEnded).toBe('SIGTERM');
  // It outlived its SIGTERM, and the stop's SIGKILL ended it.
  expect(stubbornEnded).toBe('SIGKILL');
  expect(spawnSync('pgrep', ['-f', marker]).stdout.toString()).toBe('');
});
