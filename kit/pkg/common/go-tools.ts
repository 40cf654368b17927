// The Go programs the tools run (kubeconform, kube-score and kube-rules for `npm run check`, vegeta
// for the fault suite `npm run test:e2e:faults`), each built from
// the module under kit/go/ that pins it into ~/.cache/k8s-sandbox/check-bin/, keyed by a hash of
// that module's go.mod, go.sum and own Go files: only the first run on a machine, or after a
// version bump, builds; a warm run reads three small files and starts the binary.
// Run as a command, it builds the programs named (default: all) that the cache lacks, as .ci/run's
// build lane does before the other lanes need them:
//   node -r ./kit/pkg/loader/ts-register.js kit/pkg/common/go-tools.ts [NAME...]
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type RunOptions, type RunResult, run, runMain } from './process';

const GO_DIR = path.resolve(__dirname, '../../go');
const GO_BUILD = path.join(__dirname, 'go-build.sh');

/**
 * Where each program comes from: its module folder and package, the module whose version it
 * reports, and the variable that holds that version (`main.version` unless `versionVariable` says).
 */
const TOOLS = {
  kubeconform: {
    dir: 'check',
    pkg: 'github.com/yannh/kubeconform/cmd/kubeconform',
    module: 'github.com/yannh/kubeconform',
  },
  'kube-score': {
    dir: 'check',
    pkg: 'github.com/zegl/kube-score/cmd/kube-score',
    module: 'github.com/zegl/kube-score',
  },
  // Much of kube-apiserver (its validation and registry strategies): a cold build takes minutes.
  'kube-rules': {
    dir: 'check/kube-rules',
    pkg: '.',
    module: 'k8s.io/kubernetes',
    coldBuild: 'several minutes: it compiles the API server validation of k8s.io/kubernetes',
  },
  // npm run apply's engine and its progress lines (kit/go/deploy/main.go).
  helm: {
    dir: 'deploy',
    pkg: 'helm.sh/helm/v4/cmd/helm',
    module: 'helm.sh/helm/v4',
    versionVariable: 'helm.sh/helm/v4/internal/version.version',
  },
  'kstatus-watch': { dir: 'deploy', pkg: '.', module: 'github.com/fluxcd/cli-utils' },
  vegeta: {
    dir: 'e2e',
    pkg: 'github.com/tsenart/vegeta/v12',
    module: 'github.com/tsenart/vegeta/v12',
    versionVariable: 'main.Version',
  },
} satisfies Record<string, { dir: string; pkg: string; module: string; versionVariable?: string; coldBuild?: string }>;

export type ToolName = keyof typeof TOOLS;

/** The folder of the Go module that pins `name`. */
export function toolModuleDir(name: ToolName): string {
  return path.join(GO_DIR, TOOLS[name].dir);
}

/** Runs `go args`; without Go, the error says what needs it and which Go, and the PATH searched. */
export function go(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const goLine = /^go (\S+)$/m.exec(fs.readFileSync(path.join(GO_DIR, 'check/go.mod'), 'utf8'))?.[1];
  return run('go', args, {
    ...options,
    notInstalled:
      'Go is not installed or not on PATH: npm run check builds its gates (kubeconform, kube-score, kube-rules) ' +
      `and finds the newest API schema with Go ${goLine} or later (the go line of kit/go/check/go.mod); install ` +
      `Go from https://go.dev/dl/ or add its bin folder to PATH (PATH is ${JSON.stringify(process.env.PATH ?? '')})`,
  });
}

/** The version of `module` that the Go module in `moduleDir` selects, as `go list -m` reports it. */
export async function goModuleVersion(moduleDir: string, module: string): Promise<{ version: string; dir: string }> {
  const { stdout } = await go(['list', '-mod=readonly', '-m', '-f', '{{.Version}} {{.Dir}}', module], {
    cwd: moduleDir,
  });
  const [version = '', dir = ''] = stdout.trim().split(' ');
  return { version, dir };
}

/**
 * The project's cache on this machine, ~/.cache/k8s-sandbox (under XDG_CACHE_HOME when that is
 * set), as kit/lab/cluster/env.sh's CACHE_DIR: what is built or derived once per machine.
 */
export function cacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'k8s-sandbox');
}

/** Where the built binary of `name` lives: ~/.cache/k8s-sandbox/check-bin/<name>-<hash>/<name>. */
export function binaryPath(name: ToolName): string {
  const moduleDir = toolModuleDir(name);
  const hash = crypto.createHash('sha256');
  // The module's own Go files count only for a program built from them (not for helm, which
  // shares kit/go/deploy/go.mod with kstatus-watch).
  const sources = TOOLS[name].pkg === '.' ? fs.readdirSync(moduleDir).filter((file) => file.endsWith('.go')) : [];
  for (const file of ['go.mod', 'go.sum', ...sources.sort()]) {
    hash
      .update(`${file}\0`)
      .update(fs.readFileSync(path.join(moduleDir, file)))
      .update('\0');
  }
  return path.join(cacheDir(), 'check-bin', `${name}-${hash.digest('hex').slice(0, 16)}`, name);
}

/** The path of the `name` binary, built first if the cache lacks it; `log` gets progress lines. */
export async function goTool(name: ToolName, log: (line: string) => void): Promise<string> {
  const binary = binaryPath(name);
  if (fs.existsSync(binary)) {
    return binary;
  }
  const tool = TOOLS[name];
  const cwd = toolModuleDir(name);
  const { version } = await goModuleVersion(cwd, tool.module);
  log(
    `building ${name} (${tool.module} ${version}) with go into ${path.dirname(binary)} ` +
      `(once per machine; ${'coldBuild' in tool ? tool.coldBuild : 'a minute or two'})`,
  );
  // -X: what `<tool> version` prints. The build, its progress lines and its
  // temporary name are go-build.sh's, the project's one way to build a Go program.
  const versionVariable = 'versionVariable' in tool ? tool.versionVariable : 'main.version';
  const label = `${tool.dir.split('/')[0]}: ${name}`;
  await run('bash', [GO_BUILD, label, cwd, tool.pkg, binary, `-X ${versionVariable}=${version}`], { echo: true });
  return binary;
}

/** Every program this module builds, in the order `buildGoTools` builds them. */
export const TOOL_NAMES = Object.keys(TOOLS) as ToolName[];

/** The programs `args` names (all of them when it names none); an unknown name is refused. */
export function goToolNames(args: readonly string[]): ToolName[] {
  const unknown = args.filter((name) => !(TOOL_NAMES as string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `NAME must be one of ${TOOL_NAMES.join(', ')} (got ${unknown.join(', ')}); name the programs to build, or none for all`,
    );
  }
  return args.length > 0 ? (args as ToolName[]) : TOOL_NAMES;
}

/** Builds each of `names` that the cache lacks, one after another, with a `[n/N] name` line before each. */
export async function buildGoTools(names: readonly ToolName[], log: (line: string) => void): Promise<string[]> {
  const binaries: string[] = [];
  for (const [index, name] of names.entries()) {
    const step = `[${index + 1}/${names.length}] ${name}`;
    log(fs.existsSync(binaryPath(name)) ? `${step}: already built` : `${step}: building`);
    binaries.push(await goTool(name, (line) => log(`${step}: ${line}`)));
  }
  return binaries;
}

if (require.main === module) {
  const usage = 'usage: node -r ./kit/pkg/loader/ts-register.js kit/pkg/common/go-tools.ts [NAME...]';
  let names: ToolName[] = [];
  try {
    names = goToolNames(process.argv.slice(2));
  } catch (error) {
    console.error(`go-tools: ${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  runMain('go-tools', async () => {
    const log = (line: string) => process.stderr.write(`go-tools: ${line}\n`);
    console.log((await buildGoTools(names, log)).join('\n'));
    return 0;
  });
}
