// How the tools run a program: a program that is not installed is named with where to get it; a
// held input is written only when it is ready. The held-input tests decide by events (a file the
// program makes once it runs, its exit), never by a pause, so a loaded machine cannot change them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../process';
import { withTempDir } from '../temp-dir';

/** Resolves once `file` exists: the program that makes it has got that far. */
function appears(file: string): Promise<void> {
  return new Promise((resolve) => {
    // Watching before looking, so that a file made in between is not missed.
    const watcher = fs.watch(path.dirname(file), () => found());
    const found = () => {
      if (fs.existsSync(file)) {
        watcher.close();
        resolve();
      }
    };
    found();
  });
}

/** An input promise and the function that resolves it. */
function heldInput() {
  let release: (input: string) => void = () => undefined;
  const input = new Promise<string>((resolve) => (release = resolve));
  return { input, release: (value: string) => release(value) };
}

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

// A held Helm (deploy.ts's startUpgrade) depends on it: the program starts at once and reads a
// stdin that stays open until the promise resolves. The input is released only once the program
// has made `reading`, just before it reads: a stdin ended early (the bug) gives it an end of
// input and no values, so it prints nothing; a program started only once the input is ready (the
// other bug) never makes the file, and the test times out.
test('an input promise holds stdin open until it resolves, then ends it', async () => {
  await withTempDir('k8s-sandbox-held-input-', async (dir) => {
    const reading = path.join(dir, 'reading');
    const { input, release } = heldInput();
    const result = run('sh', ['-c', 'touch "$1" && exec cat', 'sh', reading], { input });
    await appears(reading);
    release('values\n');
    await expect(result).resolves.toEqual({ stdout: 'values\n', stderr: '', code: 0 });
  });
});

// The deploy's Ctrl-C during the preview: Helm, still waiting for its values, is stopped. A stop
// that did not reach a program waiting on its stdin (the bug) would leave this run unsettled.
test('a program stopped before its input promise resolves: stopped', async () => {
  const stop = new AbortController();
  const result = run('cat', [], { input: heldInput().input, stop: stop.signal });
  stop.abort();
  await expect(result).rejects.toThrow(/^`cat` was stopped \(SIGTERM\)$/);
});

// A program that lets go of its stdin before its input is ready (Helm failing before it reads
// its values): the input written then meets a pipe nobody reads (EPIPE). Without run's handler
// of the stdin's errors (the bug), Node throws that error and Jest fails this test with it. The
// write fails at once (Node tries it before returning), so the error is raised before the
// program's stop below is even seen: the test needs no pause to catch it.
test('a program that closed its stdin before its input promise resolves: no broken pipe escapes', async () => {
  await withTempDir('k8s-sandbox-closed-input-', async (dir) => {
    const closed = path.join(dir, 'closed');
    const { input, release } = heldInput();
    const stop = new AbortController();
    // sh closes its stdin, the only reader of the pipe, says so, and waits to be stopped.
    const result = run('sh', ['-c', 'exec 0<&- && touch "$1" && exec sleep 60', 'sh', closed], {
      input,
      stop: stop.signal,
    });
    await appears(closed);
    release('late\n');
    // run's own handler of the input, registered before this one, has written it.
    await input;
    stop.abort();
    await expect(result).rejects.toThrow(/^`sh -c .*` was stopped \(SIGTERM\)$/);
  });
});
