// npm run dev's stop (processes.ts) on Jest's fake clock: SIGTERM once to each process, SIGKILL
// only once the grace time has passed, and only to what is left. The processes are a table
// that `ps` (execFileSync) lists and process.kill changes; processes.cli.test.ts stops real ones.
import { execFileSync } from 'node:child_process';
import { stopDescendants } from '../processes';

jest.mock('node:child_process', () => ({ execFileSync: jest.fn() }));
// The stop's pause between two looks at `ps`, on the fake clock (Jest fakes the global
// setTimeout and Date, not node:timers/promises).
jest.mock('node:timers/promises', () => ({
  setTimeout: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
}));

const GRACE_MS = 1000;

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

// The bugs it catches: a SIGKILL before the grace time has passed (or without a SIGTERM first),
// a SIGTERM sent twice, a SIGKILL to a process that had ended, and a stop that never kills.
test('a shell and its child end on SIGTERM; one that ignores it gets SIGKILL once the grace time has passed', async () => {
  const stubborn = 103;
  // pid -> parent pid: a shell (101) with a child (102), and the stubborn one, all this process's.
  const table = new Map([
    [101, process.pid],
    [102, 101],
    [stubborn, process.pid],
  ]);
  jest
    .mocked(execFileSync)
    .mockImplementation(() => [...table].map(([pid, ppid]) => `${pid} ${ppid} S bash\n`).join(''));
  const signals: string[] = [];
  jest.spyOn(process, 'kill').mockImplementation((pid, signal) => {
    signals.push(`${String(signal)} ${pid}`);
    if (pid !== stubborn || signal === 'SIGKILL') {
      table.delete(pid);
    }
    return true;
  });
  let stopped: number | undefined;
  void stopDescendants(GRACE_MS).then((count) => (stopped = count));

  await jest.advanceTimersByTimeAsync(GRACE_MS);
  expect(signals).toEqual(['SIGTERM 101', 'SIGTERM 102', `SIGTERM ${stubborn}`]);
  expect(stopped).toBeUndefined();

  await jest.advanceTimersByTimeAsync(GRACE_MS);
  expect(signals).toEqual(['SIGTERM 101', 'SIGTERM 102', `SIGTERM ${stubborn}`, `SIGKILL ${stubborn}`]);
  expect(stopped).toBe(3);
});
