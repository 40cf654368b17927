// Whether a folder of manifests was synthesized from the app's sources as they are now. `npm run
// synth` writes a stamp into its output folder: the sha256 of each source file, in `sha256sum`'s
// format (`sha256sum -c dist/.sources.sha256` checks it by hand). kubectl ignores the file, as it
// reads only *.json, *.yaml and *.yml in a folder. The tools that read dist/ by default (check,
// diff, diagram, the e2e's run.sh) ask {@link staleness} before they trust it; a folder the user
// names is taken as it is. Content, not file times, because git checkout rewrites the times.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The stamp's name in the output folder: a dotfile without a manifest extension, so kubectl skips it. */
export const STAMP_FILE = '.sources.sha256';

/**
 * What the app's manifests are made from, relative to the project: cdk8s.yaml's app command runs
 * main.ts, which builds lib/'s charts with imports/' classes and the locked dependencies. The
 * tools and tests are not part of it (changing them does not change the manifests).
 */
export const APP_SOURCES = ['cdk8s.yaml', 'main.ts', 'lib', 'imports', 'package-lock.json'] as const;

/** The sha256 of `file`'s bytes, in hex. */
export function fileSha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Every source file under `projectDir` (relative, `/`-separated, sorted) with its sha256. */
export function sourceHashes(projectDir: string): Map<string, string> {
  return new Map(sourceFiles(projectDir).map((file) => [file, fileSha256(path.join(projectDir, file))]));
}

function sourceFiles(projectDir: string): string[] {
  const files: string[] = [];
  const visit = (relative: string) => {
    const stat = fs.statSync(path.join(projectDir, relative), { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      for (const name of fs.readdirSync(path.join(projectDir, relative))) {
        visit(`${relative}/${name}`);
      }
    } else if (stat?.isFile()) {
      files.push(relative);
    }
  };
  APP_SOURCES.forEach(visit);
  return files.sort();
}

/** Writes the stamp of `hashes` (from {@link sourceHashes}, taken before the synth ran) into `outdir`. */
export function writeStamp(outdir: string, hashes: ReadonlyMap<string, string>): void {
  writeSha256Sums(path.join(outdir, STAMP_FILE), hashes);
}

/** Writes `hashes` (file -> sha256) into `file` in sha256sum's format, so `sha256sum -c` checks it. */
export function writeSha256Sums(file: string, hashes: ReadonlyMap<string, string>): void {
  fs.writeFileSync(file, [...hashes].map(([name, hash]) => `${hash}  ${name}\n`).join(''));
}

/** The file -> sha256 lines of a file in sha256sum's format; undefined when it cannot be read. */
export function readSha256Sums(file: string): Map<string, string> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const hashes = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (match) hashes.set(match[2]!, match[1]!);
  }
  return hashes;
}

// At most this many files are named; the rest are counted.
const NAMED = 3;

/**
 * Why `dir` (the project's default output folder, such as dist/) was not synthesized from the
 * sources of `projectDir` as they are now, e.g. "dist/ is older than lib/x.ts", or undefined when
 * it was, when `dir` holds no manifests (the reader says so), or when `projectDir` is no cdk8s
 * project. Without a stamp (`cdk8s synth` called directly writes none) it compares file times:
 * a source modified after the oldest manifest was written makes the folder older.
 */
export function staleness(projectDir: string, dir: string): string | undefined {
  if (!fs.existsSync(path.join(projectDir, 'cdk8s.yaml'))) {
    return undefined;
  }
  const folder = `${path.relative(projectDir, path.resolve(projectDir, dir)) || '.'}/`;
  const stamp = readSha256Sums(path.join(projectDir, dir, STAMP_FILE));
  if (stamp === undefined) {
    return byFileTimes(projectDir, dir, folder);
  }
  const now = sourceHashes(projectDir);
  const differ = [
    ...[...now]
      .filter(([file, hash]) => stamp.get(file) !== hash)
      .map(([file]) => (stamp.has(file) ? file : `${file} (new)`)),
    ...[...stamp.keys()].filter((file) => !now.has(file)).map((file) => `${file} (deleted)`),
  ];
  return differ.length === 0 ? undefined : `${folder} is older than ${named(differ)}`;
}

function byFileTimes(projectDir: string, dir: string, folder: string): string | undefined {
  const manifests = manifestTimes(path.join(projectDir, dir));
  if (manifests.length === 0) {
    return undefined;
  }
  const written = Math.min(...manifests);
  const newer = sourceFiles(projectDir).filter((file) => fs.statSync(path.join(projectDir, file)).mtimeMs > written);
  return newer.length === 0
    ? undefined
    : `${folder} is older than ${named(newer)} (by file times: ${folder} has no ${STAMP_FILE}, as when ` +
        '`cdk8s synth` wrote it instead of `npm run synth`)';
}

// The modification times of the manifests directly in `dir` (none if it is no folder).
function manifestTimes(dir: string): number[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((entry) => /\.(json|ya?ml)$/.test(entry.name) && entry.isFile())
      .map((entry) => fs.statSync(path.join(dir, entry.name)).mtimeMs);
  } catch {
    return [];
  }
}

function named(files: readonly string[]): string {
  const more = files.length - NAMED;
  return `${files.slice(0, NAMED).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/**
 * `dir` (the default a tool reads when the user names no folder) when it is not stale for the
 * project in the current folder; otherwise throws why and how to go on, e.g. "dist/ is older than
 * lib/x.ts; run `npm run synth`, or name the folder (npm run check -- dist) to use it as it is".
 */
export function requireFresh(dir: string, asIs: string): string {
  const reason = staleness(process.cwd(), dir);
  if (reason !== undefined) {
    throw new Error(`${reason}; run \`npm run synth\`, or ${asIs} to use it as it is`);
  }
  return dir;
}
