// A program the tools run that is not installed: the message names it and where to get it.
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
