// How the tools run a program: a program that is not installed is named with where to get it; a
// held input is written only when it is ready.
import { run } from '../process';

test('kubectl not on PATH: named, with where to get it', async () => {
  await expect(run('kubectl', ['version'], { env: { PATH: '/nonexistent' } })).rejects.toThrow(
    'kubectl could not start: it is not installed or not on PATH; install it from https://kubernetes.io/docs/tasks/tools/',
  );
});

test('a program without a known source: named, and no invented source', async () => {
  await expect(run('no-such-program', [], { env: { PATH: '/nonexistent' } })).rejects.toThrow(
    /^no-such-program could not start: it is not installed or not on PATH$/,
  );
});

// A held Helm (deploy.ts's startUpgrade) depends on it: nothing reaches the program before the promise resolves.
test('an input promise holds stdin open until it resolves, then ends it', async () => {
  let release: (input: string) => void = () => undefined;
  let done = false;
  const result = run('cat', [], { input: new Promise<string>((resolve) => (release = resolve)) }).then((r) => {
    done = true;
    return r;
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(done).toBe(false);
  release('values\n');
  await expect(result).resolves.toEqual({ stdout: 'values\n', stderr: '', code: 0 });
});

test('a program stopped before its input promise resolves: stopped, and no broken pipe escapes', async () => {
  let release: (input: string) => void = () => undefined;
  const stop = new AbortController();
  const result = run('cat', [], { input: new Promise<string>((resolve) => (release = resolve)), stop: stop.signal });
  stop.abort();
  await expect(result).rejects.toThrow(/^`cat` /);
  release('late\n');
  await new Promise((resolve) => setTimeout(resolve, 100));
});
