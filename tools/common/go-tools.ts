// The Go tools of `npm run check`, kubeconform and kube-score, built from the versions pinned in
// tools/check/go.mod into a cache outside the work tree keyed by version, so only the first run
// on a machine (or after a version bump) builds, and later runs start at once.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const TOOL_MODULE_DIR = path.resolve(__dirname, '../check');

/** The tools, by command name: the Go module that pins the version and the package to build. */
const TOOLS = {
  kubeconform: { module: 'github.com/yannh/kubeconform', pkg: 'github.com/yannh/kubeconform/cmd/kubeconform' },
  'kube-score': { module: 'github.com/zegl/kube-score', pkg: 'github.com/zegl/kube-score/cmd/kube-score' },
} as const;

export type ToolName = keyof typeof TOOLS;

/** The version of `name` that tools/check/go.mod pins, e.g. `v0.8.0`. */
export function pinnedVersion(name: ToolName): string {
  const goMod = fs.readFileSync(path.join(TOOL_MODULE_DIR, 'go.mod'), 'utf8');
  const module = TOOLS[name].module.replace(/\./g, '\\.');
  const pinned = new RegExp(`^\\s*${module} (v\\S+)`, 'm').exec(goMod);
  if (pinned === null) {
    throw new Error(`tools/check/go.mod pins no version of ${TOOLS[name].module}`);
  }
  return pinned[1] as string;
}

/** Where the built binary of `name` lives: ~/.cache/k8s-sandbox/check-bin/<name>-<version>/<name>. */
export function binaryPath(name: ToolName): string {
  const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(cache, 'k8s-sandbox/check-bin', `${name}-${pinnedVersion(name)}`, name);
}

/** The path of the `name` binary, built first if the cache lacks it. */
export async function goTool(name: ToolName, log: (line: string) => void): Promise<string> {
  const binary = binaryPath(name);
  if (fs.existsSync(binary)) {
    return binary;
  }
  const version = pinnedVersion(name);
  log(`building ${name} ${version} with go into ${path.dirname(binary)} (once per machine; a minute or two)`);
  fs.mkdirSync(path.dirname(binary), { recursive: true });
  // Built under a temporary name and renamed, so an interrupted build never looks finished.
  const partial = `${binary}.${process.pid}.partial`;
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  // go build is silent for minutes: say now and then that it still runs.
  const ticker = setInterval(() => log(`still building ${name}, ${seconds()}s`), 30_000);
  try {
    // -mod=readonly: exactly what go.mod and go.sum pin, never an edit to them. -trimpath and
    // -s -w: a smaller binary without local paths. main.version: what `<tool> version` prints.
    const flags = ['-mod=readonly', '-trimpath', '-ldflags', `-s -w -X main.version=${version}`];
    await run('go', ['build', ...flags, '-o', partial, TOOLS[name].pkg], { cwd: TOOL_MODULE_DIR });
  } finally {
    clearInterval(ticker);
  }
  fs.renameSync(partial, binary);
  log(`built ${name} ${version} in ${seconds()}s`);
  return binary;
}

/** Runs a command with its output shown; rejects when it fails. */
function run(command: string, args: string[], options: { cwd: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (error) =>
      reject(new Error(`${command} could not start (${error.message}); Go is needed to build the check tools`)),
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed with exit code ${code}`)),
    );
  });
}
