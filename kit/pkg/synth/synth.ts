// `npm run synth` (kit/cmd/synth.ts) is cdk8s-cli's `cdk8s synth` (with the app command of cdk8s.yaml) plus what
// the CLI does not do. cdk8s synth deletes its output folder, whatever it holds, before it checks
// its own options or runs the app; so here:
//   - every option is checked before anything runs (kit/cmd/synth.ts reads them with
//     CDK8S_SYNTH_OPTIONS): one that cdk8s synth does not have is refused (`--bogus`,
//     `--no-output`, which cdk8s-cli would take silently);
//   - cdk8s synth writes into a new folder beside the output folder, and only a synth that passed
//     replaces the output folder: a bad option value, a failing app or a failed validation leaves
//     it as it was;
//   - the output folder is replaced only if it holds nothing but what an earlier `npm run synth`
//     wrote there, as recorded in it (MANIFESTS_FILE, sha256sum's format): a file synth did not
//     write, or one edited since, is someone's, whatever repository it belongs to;
//   - a folder that cannot be written gets one plain line instead of cdk8s-cli's stack trace;
//   - the folder is stamped with the sources it was made from (kit/pkg/common/synth-stamp.ts), so
//     that the tools reading dist/ notice when it is stale.
// The one definition of synth for the toolkit's commands.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import {
  STAMP_FILE,
  fileSha256,
  readSha256Sums,
  sourceHashes,
  writeSha256Sums,
  writeStamp,
} from '../common/synth-stamp';

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

/** The options of `cdk8s synth` (cdk8s-cli's lib/cli/cmds/synth.js), as util.parseArgs takes them. */
export const CDK8S_SYNTH_OPTIONS = {
  app: { type: 'string', short: 'a' },
  output: { type: 'string', short: 'o' },
  stdout: { type: 'boolean', short: 'p' },
  'plugins-dir': { type: 'string' },
  validate: { type: 'boolean' },
  'no-validate': { type: 'boolean' },
  'validation-reports-output-file': { type: 'string' },
  format: { type: 'string' },
  'chart-api-version': { type: 'string' },
  'chart-version': { type: 'string' },
} as const;

/** `cdk8s synth`'s options, each by its name on cdk8s-cli's command line; what is not given is cdk8s-cli's default. */
export type SynthOptions = {
  readonly [Name in keyof typeof CDK8S_SYNTH_OPTIONS]?: (typeof CDK8S_SYNTH_OPTIONS)[Name]['type'] extends 'string'
    ? string
    : boolean;
};

/** `options` as cdk8s-cli's command line: `--name value`, or `--name` for a flag that is set. */
function synthArgs(options: SynthOptions): string[] {
  return Object.entries(options).flatMap(([name, value]) =>
    value === undefined || value === false ? [] : value === true ? [`--${name}`] : [`--${name}`, value],
  );
}

/**
 * The folder `cdk8s synth` with `options` writes in `projectDir`, as cdk8s-cli decides it:
 * --output/-o, else cdk8s.yaml's `output:`, else dist (none with --stdout). How it was chosen
 * names it in messages.
 */
export function outputOf(projectDir: string, values: SynthOptions = {}): { dir?: string; named: string } {
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

/**
 * What `npm run synth` wrote into its output folder, in sha256sum's format (`sha256sum -c` checks
 * it by hand): each file with its sha256. A dotfile without a manifest extension: kubectl skips it.
 */
export const MANIFESTS_FILE = '.manifests.sha256';

/** Every file under `dir`, relative to it, `/`-separated, sorted; symbolic links as files. */
function filesUnder(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? filesUnder(path.join(dir, entry.name), `${prefix}${entry.name}/`)
        : [`${prefix}${entry.name}`],
    )
    .sort();
}

/** Writes the record of every file in `dir` (its manifests), the stamp and the record itself aside. */
function writeManifestsRecord(dir: string): void {
  const files = filesUnder(dir).filter((file) => file !== STAMP_FILE && file !== MANIFESTS_FILE);
  writeSha256Sums(
    path.join(dir, MANIFESTS_FILE),
    new Map(files.map((file) => [file, fileSha256(path.join(dir, file))])),
  );
}

/** The files of `dir` that an earlier `npm run synth` did not write, or that changed since. */
function notWrittenBySynth(dir: string): string[] {
  const recorded = readSha256Sums(path.join(dir, MANIFESTS_FILE));
  // A folder an npm run synth wrote before it kept the record has its stamp: its manifests are synth's.
  const legacy = recorded === undefined && fs.existsSync(path.join(dir, STAMP_FILE));
  return filesUnder(dir).filter((file) => {
    if (file === MANIFESTS_FILE || file === STAMP_FILE) return false;
    const stat = fs.lstatSync(path.join(dir, file));
    if (!stat.isFile()) return true;
    return legacy ? !/\.(json|ya?ml)$/.test(file) : recorded?.get(file) !== fileSha256(path.join(dir, file));
  });
}

/** Throws unless replacing `dir` loses nothing but what an earlier `npm run synth` wrote there. */
function guardOutput(projectDir: string, dir: string, named: string): void {
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
  const others = notWrittenBySynth(absolute);
  if (others.length > 0) {
    const shown = others.slice(0, 3).join(', ') + (others.length > 3 ? ` and ${others.length - 3} more` : '');
    throw new SynthRefused(
      `${named} must hold only what npm run synth wrote there (got ${shown}, which it did not write or which ` +
        `changed since); ${fix}, or move those out`,
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
 * `cdk8s synth` with `options` in `projectDir` behind the guards above; the manifests' folder
 * gets the stamp of the sources read. Resolves to cdk8s-cli's exit code; throws
 * {@link SynthRefused} before anything is deleted.
 */
export async function synth(projectDir: string, options: SynthOptions = {}): Promise<number> {
  const { dir, named } = outputOf(projectDir, options);
  // --stdout writes no folder.
  if (dir === undefined) {
    return cdk8sSynth(projectDir, synthArgs(options));
  }
  guardOutput(projectDir, dir, named);
  guardWritable(projectDir, dir, named);
  const absolute = path.resolve(projectDir, dir);
  // Beside the output folder, so that it moves into place on the same file system.
  const fresh = `${absolute}.synth-${process.pid}`;
  try {
    // Before the app runs: a source edited while it runs makes the output stale, not fresh.
    const hashes = sourceHashes(projectDir);
    const code = await cdk8sSynth(projectDir, synthArgs({ ...options, output: fresh }));
    if (code !== 0 || !fs.existsSync(fresh)) {
      return code;
    }
    writeStamp(fresh, hashes);
    writeManifestsRecord(fresh);
    // Again, as the app ran for a while: a file saved into the folder meanwhile is not synth's either.
    guardOutput(projectDir, dir, named);
    fs.rmSync(absolute, { recursive: true, force: true });
    fs.renameSync(fresh, absolute);
    return 0;
  } finally {
    fs.rmSync(fresh, { recursive: true, force: true });
  }
}
