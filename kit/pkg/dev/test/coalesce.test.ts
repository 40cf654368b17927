// npm run dev's coalescing of saves (coalesce.ts), on Jest's fake clock: a burst gives one cycle,
// saves during a cycle queue exactly one more, never two at once.
import { coalesce } from '../coalesce';

const QUIET = 150;

/** A loop whose cycles end when the test says; records what each was handed. */
function loop() {
  const cycles: (readonly string[])[] = [];
  const endings: (() => void)[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const coalescer = coalesce(async (changed) => {
    cycles.push(changed);
    running += 1;
    mostAtOnce = Math.max(mostAtOnce, running);
    await new Promise<void>((resolve) => endings.push(resolve));
    running -= 1;
  }, QUIET);
  const endCycle = async () => {
    endings.shift()?.();
    await jest.advanceTimersByTimeAsync(0);
  };
  return { coalescer, cycles, endCycle, mostAtOnce: () => mostAtOnce };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test("an editor's burst of writes gives one cycle, once the files are quiet, with each file once", async () => {
  const { coalescer, cycles } = loop();
  for (const file of ['lib/nginx.ts', 'lib/.nginx.ts.swp', 'lib/nginx.ts', 'main.ts']) {
    coalescer.saved(file);
    await jest.advanceTimersByTimeAsync(QUIET - 10);
  }
  expect(cycles).toEqual([]);
  await jest.advanceTimersByTimeAsync(10);
  expect(cycles).toEqual([['lib/.nginx.ts.swp', 'lib/nginx.ts', 'main.ts']]);
  await jest.advanceTimersByTimeAsync(10 * QUIET);
  expect(cycles).toHaveLength(1);
});

test('saves during a cycle queue exactly one more, which starts when the running one ends', async () => {
  const { coalescer, cycles, endCycle, mostAtOnce } = loop();
  coalescer.saved('lib/nginx.ts');
  await jest.advanceTimersByTimeAsync(QUIET);
  expect(coalescer.running).toBe(true);
  // Ten saves, some far apart, while the first cycle runs: none starts a cycle beside it.
  for (let save = 0; save < 10; save += 1) {
    coalescer.saved(save % 2 ? 'lib/fib-client.ts' : 'lib/nginx.ts');
    await jest.advanceTimersByTimeAsync(QUIET * 3);
  }
  expect(cycles).toHaveLength(1);
  await endCycle();
  await jest.advanceTimersByTimeAsync(QUIET);
  expect(cycles).toEqual([['lib/nginx.ts'], ['lib/fib-client.ts', 'lib/nginx.ts']]);
  await endCycle();
  await jest.advanceTimersByTimeAsync(10 * QUIET);
  expect(cycles).toHaveLength(2);
  expect(mostAtOnce()).toBe(1);
});

test('a cycle with no save during it is the last', async () => {
  const { coalescer, cycles, endCycle } = loop();
  coalescer.saved('main.ts');
  await jest.advanceTimersByTimeAsync(QUIET);
  await endCycle();
  await jest.advanceTimersByTimeAsync(10 * QUIET);
  expect(cycles).toEqual([['main.ts']]);
  await expect(coalescer.idle()).resolves.toBeUndefined();
});

test('start runs the first cycle at once, with no file; a failed cycle does not stop the loop', async () => {
  const cycles: (readonly string[])[] = [];
  const coalescer = coalesce(async (changed) => {
    cycles.push(changed);
    throw new Error('synth failed');
  }, QUIET);
  coalescer.start();
  await jest.advanceTimersByTimeAsync(0);
  coalescer.saved('lib/nginx.ts');
  await jest.advanceTimersByTimeAsync(QUIET);
  expect(cycles).toEqual([[], ['lib/nginx.ts']]);
});

test('stop drops a queued cycle and ignores later saves', async () => {
  const { coalescer, cycles, endCycle } = loop();
  coalescer.saved('main.ts');
  await jest.advanceTimersByTimeAsync(QUIET);
  coalescer.saved('lib/nginx.ts');
  coalescer.stop();
  await endCycle();
  coalescer.saved('lib/nginx.ts');
  await jest.advanceTimersByTimeAsync(10 * QUIET);
  expect(cycles).toEqual([['main.ts']]);
});
