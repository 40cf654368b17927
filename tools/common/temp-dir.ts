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
 * Runs `work` with a new folder named `prefix` + random characters, and removes it after. The
 * folder is made under the system's temp directory, or where `prefix` says if it is an absolute
 * path (a folder to be renamed into place must be on the same file system as its place).
 */
export async function withTempDir<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  if (process.listenerCount('SIGINT') === 0) {
    process.once('SIGINT', () => removeAllAndExit(130));
    process.once('SIGTERM', () => removeAllAndExit(143));
  }
  const dir = fs.mkdtempSync(path.isAbsolute(prefix) ? prefix : path.join(os.tmpdir(), prefix));
  inUse.add(dir);
  try {
    return await work(dir);
  } finally {
    inUse.delete(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
