// `npm run synth` is cdk8s-cli's `cdk8s synth` (with the app command of cdk8s.yaml) plus what
// the CLI does not do: it refuses an output folder it would destroy (cdk8s synth deletes the
// folder, whatever it holds, before the app writes it), says plainly when the folder cannot be
// written (a read-only checkout) instead of cdk8s-cli's stack trace, and stamps the folder with
// the sources it was made from (kit/pkg/common/synth-stamp.ts), so that the tools reading dist/
// notice when it is stale. The one definition of synth for the toolkit's commands.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { run } from '../common/process';
import { STAMP_FILE, sourceHashes, writeStamp } from '../common/synth-stamp';

/** A refusal before anything was deleted or written: exit 2 for a folder the user chose, 1 otherwise. */
export class SynthRefused extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const TS_REGISTER = path.resolve(__dirname, '../loader/ts-register.js');

// cdk8s-cli's own default (lib/cli/cmds/synth.js DEFAULT_OUTPUT_DIR).
const DEFAULT_OUTPUT = 'dist';

/**
 * The folder `cdk8s synth args` writes in `projectDir`, as cdk8s-cli decides it: --output/-o,
 * else cdk8s.yaml's `output:`, else dist (none with --stdout). How it was chosen names it in messages.
 */
export function outputOf(projectDir: string, args: readonly string[]): { dir?: string; named: string } {
  // Only the two options that decide the folder; the rest are cdk8s-cli's to read and check.
  const { values } = parseArgs({
    args: [...args],
    strict: false,
    allowPositionals: true,
    options: { output: { type: 'string', short: 'o' }, stdout: { type: 'boolean', short: 'p' } },
  });
  if (typeof values.output === 'string') {
    return { dir: values.output, named: `--output ${values.output}` };
  }
  const configFile = path.join(projectDir, 'cdk8s.yaml');
  const configured: unknown = fs.existsSync(configFile)
    ? parse(fs.readFileSync(configFile, 'utf8'))?.output
    : undefined;
  if (typeof configured === 'string') {
    return { dir: configured, named: `${configured}/ (cdk8s.yaml's output)` };
  }
  return values.stdout === true ? { named: 'stdout' } : { dir: DEFAULT_OUTPUT, named: `${DEFAULT_OUTPUT}/` };
}

// What synth writes, and so may delete: manifests (in subfolders too, as cdk8s-cli's
// folder-per-chart output types write them) and the stamp.
const MANIFEST = /\.(json|ya?ml)$/;

/** The entries under `dir` that are not manifests (paths relative to it, subfolders with a `/`). */
function notManifests(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = `${prefix}${entry.name}`;
    if (entry.isDirectory()) {
      return notManifests(path.join(dir, entry.name), `${relative}/`);
    }
    return entry.isFile() && (MANIFEST.test(entry.name) || entry.name === STAMP_FILE) ? [] : [relative];
  });
}

/** Throws unless deleting `dir` loses nothing but manifests an earlier synth wrote. */
async function guardOutput(projectDir: string, dir: string, named: string): Promise<void> {
  const absolute = path.resolve(projectDir, dir);
  const stat = fs.lstatSync(absolute, { throwIfNoEntry: false });
  if (stat === undefined) {
    return;
  }
  const fix = 'name a new or empty folder (cdk8s synth deletes its output folder before writing it)';
  if (!stat.isDirectory()) {
    const what = stat.isSymbolicLink() ? 'a symbolic link' : 'a file';
    throw new SynthRefused(`${named} must be a folder of manifests (got ${what}); ${fix}`, 2);
  }
  const others = notManifests(absolute);
  if (others.length > 0) {
    const shown = others.slice(0, 3).join(', ') + (others.length > 3 ? ` and ${others.length - 3} more` : '');
    throw new SynthRefused(`${named} must hold only manifests (got ${shown}); ${fix}, or move those out`, 2);
  }
  // Manifests git tracks are someone's files (test fixtures, a deploy folder), not synth's.
  const tracked = await run('git', ['ls-files', '--', absolute], { cwd: projectDir, okExitCodes: [128] });
  const files = tracked.code === 0 ? tracked.stdout.split('\n').filter(Boolean) : [];
  if (files.length > 0) {
    throw new SynthRefused(
      `${named} must not hold files git tracks (got ${files.length}, such as ${files[0]}); ${fix}`,
      2,
    );
  }
}

const WRITE_ERRORS: Record<string, string> = {
  EROFS: 'the file system is read-only',
  EACCES: 'no permission to write there',
  EPERM: 'no permission to write there',
};

/**
 * Throws a readable error unless `dir` can be deleted and written: a probe folder made and removed
 * in the folder that holds it (the nearest that exists), and in `dir` itself when it exists.
 */
function guardWritable(projectDir: string, dir: string, named: string): void {
  const absolute = path.resolve(projectDir, dir);
  let parent = path.dirname(absolute);
  while (!fs.existsSync(parent)) {
    parent = path.dirname(parent);
  }
  for (const place of fs.existsSync(absolute) ? [parent, absolute] : [parent]) {
    try {
      fs.rmdirSync(fs.mkdtempSync(path.join(place, '.synth-probe-')));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      const why = WRITE_ERRORS[code] ?? String((error as Error).message);
      throw new SynthRefused(
        `${named} must be writable (got ${code ? `${code}, ${why}` : why}: ${place}); run synth in a writable ` +
          'checkout, or write elsewhere, e.g. npm run synth -- --output /tmp/dist',
        1,
      );
    }
  }
}

/** Runs `cdk8s synth` with `args`, output as cdk8s-cli writes it; resolves to its exit code. */
function cdk8sSynth(projectDir: string, args: readonly string[]): Promise<number> {
  // The package's `bin` entry (its exports map exposes package.json, not bin/).
  const manifest = require.resolve('cdk8s-cli/package.json');
  const bin: unknown = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> }).bin?.cdk8s;
  const cli = path.join(path.dirname(manifest), String(bin));
  // stdio inherited, not captured by run(): its progress, errors and --stdout's manifests reach
  // the user as cdk8s-cli writes them.
  // Under ts-register, whose V8 bytecode and resolution caches load cdk8s-cli itself faster
  // (about a quarter of its start-up, which is most of a synth's time): what npm run dev waits for
  // after each save.
  const child = spawn(process.execPath, ['-r', TS_REGISTER, cli, 'synth', '--check-upgrade=false', ...args], {
    cwd: projectDir,
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 143)));
  });
}

/**
 * `cdk8s synth args` in `projectDir` behind the guards above; the manifests' folder gets the
 * stamp of the sources read. Resolves to cdk8s-cli's exit code; throws {@link SynthRefused}
 * before anything is deleted.
 */
export async function synth(projectDir: string, args: readonly string[] = []): Promise<number> {
  // cdk8s-cli's help writes nothing.
  if (args.some((arg) => arg === '--help' || arg === '-h')) {
    return cdk8sSynth(projectDir, args);
  }
  const { dir, named } = outputOf(projectDir, args);
  if (dir !== undefined) {
    await guardOutput(projectDir, dir, named);
    guardWritable(projectDir, dir, named);
  }
  // Before the app runs: a source edited while it runs makes the output stale, not fresh.
  const hashes = sourceHashes(projectDir);
  const code = await cdk8sSynth(projectDir, args);
  if (code === 0 && dir !== undefined && fs.existsSync(path.resolve(projectDir, dir))) {
    writeStamp(path.resolve(projectDir, dir), hashes);
  }
  return code;
}
