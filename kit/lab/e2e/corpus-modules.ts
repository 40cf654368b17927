// Where kit/lab/e2e/corpus-parity.test.ts gets its real-world manifests: files of Go modules, each
// at a pinned version, as the Go module proxy serves them (a module's zip holds every file of its
// tree, YAML included). SELECTION below says which modules and which folders; `--write` turns it
// into kit/lab/e2e/corpus-sources.json, file by file (module, version, path, licence, sha256), and
// the test reads the files that list pins from the module cache (`go mod download`), checking each
// sha256 and that the list is still what SELECTION picks. No file of the corpus is in the repository.
//
//   node -r ./kit/pkg/loader/ts-register.js kit/lab/e2e/corpus-modules.ts --write
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isRecord } from '../../pkg/common/kube';
import { run, runMain } from '../../pkg/common/process';

/** One module of the corpus and what of it is taken. */
interface ModuleSelection {
  readonly module: string;
  readonly version: string;
  /** Folders (every manifest file below) or files, inside the module. */
  readonly include: readonly string[];
  /** Folders or files under `include` that are left out, and why (in the comment beside). */
  readonly exclude?: readonly string[];
}

/**
 * The modules, each at the version whose go.mod this machine's Go (1.26) accepts: Kubernetes'
 * own test and addon manifests, and the install manifests of projects that ship theirs in their
 * Go module. (The proxy refuses metallb, kubernetes/examples, kube-prometheus, sample-controller
 * v0.34.4 and csi-driver-host-path, and argo-cd v3 needs Go 1.27, so they are not here.)
 */
export const SELECTION: readonly ModuleSelection[] = [
  {
    module: 'k8s.io/kubernetes',
    version: 'v1.34.4',
    include: [
      'test/e2e/testing-manifests',
      'test/e2e_node/testing-manifests',
      'test/fixtures',
      'test/conformance/testdata',
      'cluster/addons',
      'hack/testdata',
    ],
  },
  { module: 'k8s.io/kube-state-metrics/v2', version: 'v2.20.0', include: ['examples'] },
  {
    module: 'k8s.io/ingress-nginx',
    version: 'v0.0.0-20240708192948-52c50467d67d',
    // The providers' deploy.yaml differ in the controller's Service; three cover those differences.
    include: [
      'deploy/static/provider/cloud/deploy.yaml',
      'deploy/static/provider/baremetal/deploy.yaml',
      'deploy/static/provider/aws/nlb-with-tls-termination/deploy.yaml',
    ],
  },
  { module: 'sigs.k8s.io/descheduler', version: 'v0.36.0', include: ['kubernetes'] },
  // v1.3.0: the standard channel's CRDs and the examples that use them (the experimental channel's
  // kinds would need its CRDs too).
  { module: 'sigs.k8s.io/gateway-api', version: 'v1.3.0', include: ['config/crd/standard', 'examples/standard'] },
  { module: 'sigs.k8s.io/metrics-server', version: 'v0.8.0', include: ['manifests'] },
  { module: 'k8s.io/autoscaler/vertical-pod-autoscaler', version: 'v1.8.1', include: ['deploy'] },
  { module: 'github.com/open-policy-agent/gatekeeper/v3', version: 'v3.23.1', include: ['deploy/gatekeeper.yaml'] },
  { module: 'k8s.io/node-problem-detector', version: 'v0.8.20', include: ['deployment'] },
  { module: 'github.com/rancher/local-path-provisioner', version: 'v0.0.30', include: ['deploy', 'examples'] },
  // install.yaml holds every object of the others in manifests/ (CRDs, RBAC, Deployments, ...).
  { module: 'github.com/argoproj/argo-cd/v2', version: 'v2.14.21', include: ['manifests/install.yaml'] },
];

/** One file of the corpus as corpus-sources.json pins it. */
export interface Source {
  readonly module: string;
  readonly version: string;
  /** The file's path inside the module. */
  readonly path: string;
  /** The module's licence, as an SPDX identifier (from its LICENSE). */
  readonly licence: string;
  readonly sha256: string;
}

export const SOURCES_FILE = path.join(__dirname, 'corpus-sources.json');

/** Manifest files by name, as `kubectl create -f DIR` picks them. */
const MANIFEST_FILE = /\.(ya?ml|json)$/;

/**
 * Text that is a template, not a manifest: Salt's `{{ pillar[...] }}` and `{% ... %}` in
 * cluster/addons, Go templates, and the `__PILLAR__DNS__SERVER__`-style placeholders a script
 * replaces before use.
 */
const TEMPLATE = /\{\{|\{%|__[A-Z][A-Z0-9_]*__/;

/**
 * API groups of configuration files that look like objects but are never sent to an API server:
 * kustomization.yaml, kube-apiserver's EncryptionConfiguration, kube-scheduler's and the kubelet's
 * configuration (`*.config.k8s.io`), and kind's cluster configuration (`kind.x-k8s.io`).
 */
const CONFIG_GROUP = /^([a-z0-9.-]+\.)?(config\.(x-)?k8s\.io|kind\.x-k8s\.io)\//;

/** Why `text` is not a manifest of the corpus, or undefined when it is. */
export function notAManifest(text: string): string | undefined {
  if (TEMPLATE.test(text)) {
    return 'a template';
  }
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents) || documents.some((d) => d.errors.length > 0)) {
    return 'not YAML';
  }
  const values = documents.map((d) => d.toJS() as unknown).filter((v) => v !== null && v !== undefined);
  if (values.length === 0) {
    return 'empty';
  }
  for (const value of values) {
    if (!isRecord(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
      return 'holds something other than objects with apiVersion and kind';
    }
    if (CONFIG_GROUP.test(value.apiVersion)) {
      return `a configuration file (${value.apiVersion}), not an object for the API server`;
    }
  }
  return undefined;
}

/** SPDX identifier of a licence text, for the licences the corpus's modules have. */
export function licenceOf(text: string): string {
  if (/Apache License\s+Version 2\.0, January 2004/.test(text)) {
    return 'Apache-2.0';
  }
  if (/^\s*MIT License/.test(text) || /Permission is hereby granted, free of charge/.test(text)) {
    return 'MIT';
  }
  throw new Error('its LICENSE is neither Apache-2.0 nor MIT: name its licence here before taking its files');
}

/**
 * The module cache's folder of `module@version`, after `go mod download` (from the Go module
 * proxy, or the cache when it has it). Throws one line naming the module and go's reason when it
 * cannot be had.
 */
export async function moduleDir(module: string, version: string, cwd: string): Promise<string> {
  const result = await run('go', ['mod', 'download', '-json', `${module}@${version}`], {
    cwd,
    okExitCodes: [1],
  });
  let info: { Dir?: string; Error?: string } = {};
  try {
    info = JSON.parse(result.stdout) as typeof info;
  } catch {
    // go printed no JSON: its stderr says why.
  }
  if (result.code !== 0 || info.Dir === undefined || info.Error !== undefined) {
    const why = (info.Error ?? result.stderr).trim().replace(/\s*\n\s*/g, ' ');
    throw new Error(`corpus: cannot have ${module}@${version} from the Go module proxy (go mod download): ${why}`);
  }
  return info.Dir;
}

/** The sha256 of a file, in hex. */
export function sha256Of(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The manifest files SELECTION picks from `selection`'s module, whose tree is at `dir`, as Sources. */
export function selectFiles(selection: ModuleSelection, dir: string): Source[] {
  const licence = licenceOf(fs.readFileSync(path.join(dir, 'LICENSE'), 'utf8'));
  const excluded = (rel: string) => (selection.exclude ?? []).some((e) => rel === e || rel.startsWith(`${e}/`));
  const walk = (rel: string): string[] => {
    const full = path.join(dir, rel);
    if (!fs.statSync(full).isDirectory()) {
      return [rel];
    }
    return fs
      .readdirSync(full)
      .sort()
      .flatMap((name) => {
        const child = `${rel}/${name}`;
        return fs.statSync(path.join(dir, child)).isDirectory() || MANIFEST_FILE.test(name) ? walk(child) : [];
      });
  };
  return selection.include
    .flatMap(walk)
    .filter((rel) => !excluded(rel) && notAManifest(fs.readFileSync(path.join(dir, rel), 'utf8')) === undefined)
    .map((rel) => ({
      module: selection.module,
      version: selection.version,
      path: rel,
      licence,
      sha256: sha256Of(path.join(dir, rel)),
    }));
}

/** The pinned list, as corpus-sources.json holds it. */
export function readSources(): Source[] {
  return JSON.parse(fs.readFileSync(SOURCES_FILE, 'utf8')) as Source[];
}

if (require.main === module) {
  const usage = 'usage: node -r ./kit/pkg/loader/ts-register.js kit/lab/e2e/corpus-modules.ts --write';
  if (process.argv.slice(2).join(' ') !== '--write') {
    console.error(`corpus-modules: --write is the one argument (it rewrites ${SOURCES_FILE})\n${usage}`);
    process.exit(2);
  }
  runMain('corpus-modules', async () => {
    const sources: Source[] = [];
    for (const [index, selection] of SELECTION.entries()) {
      const step = `[${index + 1}/${SELECTION.length}] ${selection.module}@${selection.version}`;
      process.stderr.write(`corpus-modules: ${step}: go mod download\n`);
      const picked = selectFiles(selection, await moduleDir(selection.module, selection.version, __dirname));
      process.stderr.write(`corpus-modules: ${step}: ${picked.length} files\n`);
      sources.push(...picked);
    }
    fs.writeFileSync(SOURCES_FILE, `${JSON.stringify(sources, null, 2)}\n`);
    console.log(`${sources.length} files written to ${SOURCES_FILE}`);
    return 0;
  });
}
