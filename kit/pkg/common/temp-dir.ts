// The tools' one way to use a temporary folder: made under the system's temp directory, removed
// when the work is done, failed, or interrupted. Ctrl-C (SIGINT) or SIGTERM removes every folder
// still in use and ends the process with 130 or 143, as a shell reports a signal; without this,
// an interrupted `npm run diff` or `npm run check` would leave its folders behind.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const inUse = new Set<string>();

/**
 * Removes every folder still in use. For a command that handles Ctrl-C itself (npm run dev),
 * which withTempDir then leaves to it: called last, before it exits.
 */
export function removeTempDirs(): void {
  for (const dir of inUse) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  inUse.clear();
}

function removeAllAndExit(code: number): void {
  removeTempDirs();
  process.exit(code);
}

/**
 * Makes a folder named `prefix` + random characters, for work that cannot sit inside one call of
 * withTempDir (a test file's beforeAll and afterAll); removeTempDir removes it, and so does an
 * interrupt. The folder is made under the system's temp directory, or where `prefix` says if it
 * is an absolute path (a folder to be renamed into place must be on the same file system as its
 * place).
 */
export function makeTempDir(prefix: string): string {
  if (process.listenerCount('SIGINT') === 0) {
    process.once('SIGINT', () => removeAllAndExit(130));
    process.once('SIGTERM', () => removeAllAndExit(143));
  }
  const dir = fs.mkdtempSync(path.isAbsolute(prefix) ? prefix : path.join(os.tmpdir(), prefix));
  inUse.add(dir);
  return dir;
}

/** Removes a folder that makeTempDir made, with all it holds. */
export function removeTempDir(dir: string): void {
  inUse.delete(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Runs `work` with a new folder from makeTempDir(prefix), and removes it after. */
export async function withTempDir<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = makeTempDir(prefix);
  try {
    return await work(dir);
  } finally {
    removeTempDir(dir);
  }
}
