// End-to-end test: `npm run check`'s api-server gate (kube-rules validate) against the real API
// server on real-world manifests nobody here wrote: the corpus that kit/lab/e2e/corpus-sources.json
// pins file by file (Go module, version, path, licence, sha256), read from the Go module cache
// after `go mod download` of each module (kit/lab/e2e/corpus-modules.ts). Each object goes
// through `kubectl create --dry-run=server` on the local control plane, whose kube-apiserver runs
// with kubeadm's flags (kit/lab/cluster/components.sh), and through the gate; the verdicts are
// compared object by object, and where both refuse, the API server's message must hold the gate's.
// Before that, each file is read both by kubectl and by the gate's reader
// (kit/pkg/common/manifests.ts), which must find the same objects.
//
// What a user would have in place first is put there first: the namespaces the objects name are
// created, and the corpus's own Namespaces, CustomResourceDefinitions, ServiceAccounts and
// PriorityClasses are created for real once their own verdict is taken, so the custom resources
// and pods that need them are judged as they would be after `kubectl apply`. An object whose
// prerequisite the corpus lacks (a CRD it does not hold) is listed apart, with the prerequisite.
//
// Every disagreement must carry an explanation (kit/lab/e2e/corpus-parity-causes.ts); one without
// fails the test, and so does an explanation that no longer explains anything. The figures, each
// disagreement and the objects listed apart are written into kit/docs/check-parity.md.
// Run by kit/lab/e2e/run.sh (npm run test:e2e) on its local control plane only: it creates
// CRDs and namespaces for real, which a user's cluster should not get from a test.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { apiServerVerdicts } from '../../pkg/check/api-server';
import { withoutUids } from '../../pkg/check/test/api-server-corpus';
import { writeDocBlock } from '../../pkg/common/doc-block';
import { goTool } from '../../pkg/common/go-tools';
import { isRecord } from '../../pkg/common/kube';
import { type KubeObject, loadObjects } from '../../pkg/common/manifests';
import { type RunResult, run } from '../../pkg/common/process';
import { makeTempDir, removeTempDir } from '../../pkg/common/temp-dir';
import { CAUSES, type Cause, type Disagreement, PREREQUISITES, type Prerequisite } from './corpus-parity-causes';
import {
  SELECTION,
  type Source as PinnedSource,
  moduleDir,
  readSources,
  selectFiles,
  sha256Of,
} from './corpus-modules';
import { eventually, kubectl, kubectlOk, progress } from './kube';

const LOCAL_CLUSTER = process.env.E2E_LOCAL_CLUSTER === '1';
const DOC = path.resolve(__dirname, '../../docs/check-parity.md');
const WAIT_MS = 60_000;
/** Files a `kubectl annotate --local` reads at once, and objects a `kubectl create` sends at once. */
const READ_BATCH = 60;
const CREATE_BATCH = 120;
/** kubectl processes at once. */
const PARALLEL = 2;
/** Kinds created for real once their verdict is taken, because other objects need them in place. */
const PREREQUISITE_KINDS = ['CustomResourceDefinition', 'ServiceAccount', 'PriorityClass'];
/** Namespaces every cluster has: never created or deleted here. */
const BUILT_IN_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** One file of the corpus as corpus-sources.json pins it, and where the module cache holds it. */
interface Source extends PinnedSource {
  /** `module/path`, as the doc names it. */
  readonly name: string;
  /** The file in the module cache. */
  readonly file: string;
}

/** One object of the corpus: as kubectl read it (what it sends) and as the gate's reader did. */
interface Item {
  readonly source: Source;
  readonly index: number;
  readonly sent: KubeObject;
  readonly gate: KubeObject;
  /** `Kind/name` (namespace/name when it names one). */
  readonly label: string;
  server?: { readonly refused: boolean; readonly said: string };
  gateLines?: readonly string[];
  gateChecked?: boolean;
}

/** What the run found, for the tests below and the doc. */
interface Results {
  readonly sources: readonly Source[];
  readonly items: readonly Item[];
  readonly disagreements: readonly Disagreement[];
  readonly apart: readonly { readonly item: Item; readonly prerequisite: Prerequisite }[];
  readonly explained: ReadonlyMap<Cause, Disagreement[]>;
  readonly unexplained: readonly Disagreement[];
  readonly corpusProblems: readonly string[];
  /** How long the modules took to have (go mod download and the checks of their files). */
  readonly corpusSeconds: number;
}

const maybe = LOCAL_CLUSTER ? describe : describe.skip;
let work: string;
const suiteStarted = Date.now();
let results: Results;
/** What the run created for real, removed in afterAll. */
const created = { namespaces: [] as string[] };
/** The CRDs created for real. */
const createdCrds: string[] = [];
/** The objects created for real, as one `kind: List`. */
let createdFile: string | undefined;

maybe('the api-server gate and the API server on real-world manifests', () => {
  beforeAll(async () => {
    work = makeTempDir('k8s-sandbox-corpus-');
    const apiServer = await apiServerFlags();
    const kubeRules = await goTool('kube-rules', progress);
    const corpus = await loadCorpus();
    results = await judge(kubeRules, corpus);
    await writeDoc(results, apiServer);
  });

  afterAll(async () => {
    if (createdFile !== undefined) {
      kubectl(['delete', '--ignore-not-found', '--wait=false', '-f', createdFile]);
      await crdsGone();
    }
    if (created.namespaces.length > 0) {
      kubectl(['delete', 'namespace', '--ignore-not-found', '--wait=false', ...created.namespaces]);
    }
    if (work) {
      removeTempDir(work);
    }
  });

  test('the corpus is the files corpus-sources.json pins, byte for byte, and what corpus-modules.ts selects', () => {
    expect(results.corpusProblems).toEqual([]);
    expect(results.items.length).toBeGreaterThanOrEqual(500);
  });

  test('every disagreement between kubectl with the API server and the gate has an explanation', () => {
    expect(results.unexplained.map(describeDisagreement)).toEqual([]);
  });

  test('every explanation still explains a disagreement', () => {
    const stale = CAUSES.filter((cause) => (results.explained.get(cause) ?? []).length === 0).map((c) => c.name);
    expect(stale).toEqual([]);
  });
});

/**
 * Waits until the CRDs created here are gone: other suites list the API server's groups. The API
 * server's CRD finalizer (customresourcecleanup) can stall on a CRD whose storage was being made
 * again when it first looked ("could not list instances: storage is (re)initializing"), as happens
 * to a CRD deleted seconds after it was created; an update of the CRD has it look again, so each
 * poll that still finds some annotates them.
 */
async function crdsGone(): Promise<void> {
  const names = createdCrds.map((name) => `crd/${name}`);
  if (names.length === 0) {
    return;
  }
  await eventually(
    `the ${names.length} CRDs created here deleted`,
    () => {
      const left = kubectlOk(['get', '--ignore-not-found', '-o', 'name', ...names])
        .split('\n')
        .filter(Boolean);
      if (left.length > 0) {
        kubectl(['annotate', '--overwrite', ...left, `k8s-sandbox.corpus/deleting=${Date.now()}`]);
        throw new Error(`still there: ${left.join(' ')}`);
      }
    },
    120_000,
    3000,
  );
}

/** The corpus as read from the module cache, and what differs from corpus-sources.json. */
interface Corpus {
  readonly sources: readonly Source[];
  readonly problems: readonly string[];
  readonly seconds: number;
}

/**
 * Has each module of corpus-sources.json from the Go module proxy (`go mod download`, which takes
 * the module cache's copy when there is one), one progress line per module, and checks the pinned
 * files: each there with its sha256, and the list still what corpus-modules.ts's SELECTION picks
 * from the modules. A module that cannot be had throws, naming it and go's reason.
 */
async function loadCorpus(): Promise<Corpus> {
  const pinned = readSources();
  const problems: string[] = [];
  const sources: Source[] = [];
  const modules = [...new Set([...pinned, ...SELECTION].map((s) => `${s.module}@${s.version}`))];
  const started = Date.now();
  for (const [index, at] of modules.entries()) {
    const [module, version] = at.split('@');
    const step = `corpus: [${index + 1}/${modules.length}] ${at}`;
    progress(`${step}: go mod download`);
    const moduleStarted = Date.now();
    const dir = await moduleDir(module, version, work);
    const files = pinned.filter((s) => s.module === module && s.version === version);
    for (const source of files) {
      const file = path.join(dir, source.path);
      const name = `${module}/${source.path}`;
      if (!fs.existsSync(file)) {
        problems.push(`${name}: pinned in corpus-sources.json, not in ${at}`);
      } else if (sha256Of(file) !== source.sha256) {
        problems.push(`${name}: its sha256 is not the one corpus-sources.json pins`);
      } else {
        sources.push({ ...source, name, file });
      }
    }
    const selection = SELECTION.find((s) => s.module === module && s.version === version);
    const selected = selection === undefined ? [] : selectFiles(selection, dir);
    const key = (s: PinnedSource) => JSON.stringify([s.path, s.licence, s.sha256]);
    const listed = new Set(files.map(key));
    const picked = new Set(selected.map(key));
    problems.push(
      ...selected.filter((s) => !listed.has(key(s))).map((s) => `${module}/${s.path}: selected, not pinned as such`),
      ...files.filter((s) => !picked.has(key(s))).map((s) => `${module}/${s.path}: pinned, not selected as such`),
    );
    progress(`${step}: ${files.length} files (${((Date.now() - moduleStarted) / 1000).toFixed(1)} s)`);
  }
  if (problems.length > 0) {
    problems.push(
      '(node -r ./kit/pkg/loader/ts-register.js kit/lab/e2e/corpus-modules.ts --write writes the list anew)',
    );
  }
  const seconds = (Date.now() - started) / 1000;
  progress(`corpus: ${sources.length} files from ${modules.length} modules in ${seconds.toFixed(1)} s`);
  return { sources, problems, seconds };
}

/** Reads, sends and judges the whole corpus. */
async function judge(kubeRules: string, corpus: Corpus): Promise<Results> {
  const { sources, problems: corpusProblems, seconds: corpusSeconds } = corpus;
  const disagreements: Disagreement[] = [];

  // Reading: kubectl's objects (what it would send) and the gate's reader's, file by file.
  const kubectlRead = await readWithKubectl(sources.map((s) => s.file));
  const items: Item[] = [];
  for (const source of sources) {
    const file = source.file;
    const byKubectl = kubectlRead.get(file) ?? { error: 'kubectl printed nothing for it' };
    let byGate: KubeObject[] | undefined;
    let gateError: string | undefined;
    try {
      byGate = loadObjects([file]).map(({ object }) => object);
    } catch (error) {
      gateError = (error as Error).message;
    }
    const reading = compareReadings(byKubectl, byGate, gateError);
    if (reading !== undefined) {
      disagreements.push({ ...blank(source), kind: 'reading', label: '(file)', server: reading, gate: [] });
    }
    if ('objects' in byKubectl && byGate !== undefined && byGate.length === byKubectl.objects.length) {
      byKubectl.objects.forEach((sent, index) => {
        items.push({ source, index, sent, gate: byGate[index], label: labelOf(sent) });
      });
    }
  }
  progress(`corpus: ${sources.length} files, ${items.length} objects read alike by kubectl and the gate`);

  // The gate, on every object at once.
  const verdicts = await apiServerVerdicts(
    kubeRules,
    items.map((item) => ({ file: item.source.name, object: item.gate })),
  );
  items.forEach((item, i) => {
    item.gateChecked = verdicts[i].checked;
    item.gateLines = verdicts[i].errors.map(({ field, message }) => (field === '' ? message : `${field}: ${message}`));
  });

  // The API server: Namespaces first (before any is created), then the namespaces the objects
  // name, then the prerequisites (created for real once judged), then everything else.
  const isKind = (kinds: string[]) => (item: Item) => kinds.includes(String(item.sent.kind));
  await sendDryRun(items.filter(isKind(['Namespace'])));
  createNamespaces(items);
  const prerequisites = items.filter(isKind(PREREQUISITE_KINDS));
  await sendDryRun(prerequisites);
  await createForReal(prerequisites.filter((item) => item.server?.refused === false));
  await sendDryRun(items.filter((item) => item.server === undefined));

  // Object by object.
  const apart: { item: Item; prerequisite: Prerequisite }[] = [];
  for (const item of items) {
    const server = item.server ?? { refused: true, said: 'kubectl said nothing of it' };
    const gateLines = item.gateLines ?? [];
    const base = { ...blank(item.source), index: item.index, label: item.label, object: item.sent };
    if (server.refused && gateLines.length === 0) {
      const prerequisite = PREREQUISITES.find((p) => p.matches(server.said, item.sent, item.gateChecked ?? true));
      if (prerequisite !== undefined) {
        apart.push({ item, prerequisite });
      } else {
        disagreements.push({ ...base, kind: 'server-only', server: server.said, gate: [] });
      }
    } else if (!server.refused && gateLines.length > 0) {
      disagreements.push({ ...base, kind: 'gate-only', server: '', gate: gateLines });
    } else if (server.refused) {
      const said = withoutUids(server.said);
      const missing = gateLines.filter((line) => !said.includes(withoutUids(line)));
      if (missing.length > 0) {
        disagreements.push({ ...base, kind: 'message', server: server.said, gate: missing });
      }
    }
  }

  const explained = new Map<Cause, Disagreement[]>();
  const unexplained: Disagreement[] = [];
  for (const d of disagreements) {
    const cause = CAUSES.find((c) => c.matches(d));
    if (cause === undefined) {
      unexplained.push(d);
    } else {
      explained.set(cause, [...(explained.get(cause) ?? []), d]);
    }
  }
  return { sources, items, disagreements, apart, explained, unexplained, corpusProblems, corpusSeconds };
}

type Reading = { readonly objects: KubeObject[] } | { readonly error: string };

/**
 * kubectl's reading of each file, as `kubectl create -f` reads it (the same resource builder):
 * `kubectl annotate --local -o json`, which reads without a server and prints each object, with a
 * removal of an annotation no object has, so that it changes nothing but for an empty
 * `metadata.annotations` it adds (dropped in {@link normalized}). Files are read in batches; a batch
 * whose objects do not line up with the gate's counts is read again file by file.
 */
async function readWithKubectl(files: readonly string[]): Promise<Map<string, Reading>> {
  const readings = new Map<string, Reading>();
  const readOne = async (file: string): Promise<Reading> => {
    const result = await kubectlAsync(annotateArgs([file]));
    return result.code === 0 ? { objects: jsonStream(result.stdout) } : { error: result.stderr.trim() };
  };
  const readBatch = async (batch: readonly string[]) => {
    const counts = batch.map((file) => {
      try {
        return loadObjects([file]).length;
      } catch {
        return -1;
      }
    });
    const result = counts.includes(-1) ? undefined : await kubectlAsync(annotateArgs(batch));
    const objects = result?.code === 0 ? jsonStream(result.stdout) : [];
    if (result?.code === 0 && objects.length === counts.reduce((a, b) => a + b, 0)) {
      let at = 0;
      batch.forEach((file, i) => {
        readings.set(file, { objects: objects.slice(at, at + counts[i]) });
        at += counts[i];
      });
    } else {
      for (const file of batch) {
        readings.set(file, await readOne(file));
      }
    }
  };
  const batches: string[][] = [];
  for (let start = 0; start < files.length; start += READ_BATCH) {
    batches.push(files.slice(start, start + READ_BATCH));
  }
  for (let next = 0; next < batches.length; next += PARALLEL) {
    await Promise.all(batches.slice(next, next + PARALLEL).map(readBatch));
  }
  return readings;
}

/** `kubectl ...args` as a progress line; its output whatever its size, and its exit (0 or 1). */
function kubectlAsync(args: readonly string[]): Promise<RunResult> {
  progress(`kubectl ${args.join(' ').slice(0, 200)}`);
  return run('kubectl', args, { okExitCodes: [1], input: '' });
}

function annotateArgs(files: readonly string[]): string[] {
  return ['annotate', '--local', '-o', 'json', ...files.flatMap((f) => ['-f', f]), 'k8s-sandbox.corpus/none-'];
}

/** The objects of a stream of JSON documents, as kubectl prints them one after another. */
function jsonStream(text: string): KubeObject[] {
  const objects: KubeObject[] = [];
  // kubectl prints each object indented, its closing brace alone at the start of a line.
  for (const chunk of text.split(/^}\n?/m)) {
    if (chunk.trim() !== '') {
      objects.push(JSON.parse(`${chunk}}`) as KubeObject);
    }
  }
  return objects;
}

/**
 * `object` without an empty metadata.annotations, and without metadata if nothing else is left in
 * it: kubectl annotate adds them where none was. Applied to both readings alike.
 */
function normalized(object: KubeObject): KubeObject {
  const metadata = object.metadata as Record<string, unknown> | undefined;
  if (!isRecord(metadata?.annotations) || Object.keys(metadata.annotations).length > 0) {
    return object;
  }
  const rest = Object.fromEntries(Object.entries(metadata).filter(([key]) => key !== 'annotations'));
  if (Object.keys(rest).length > 0) {
    return { ...object, metadata: rest };
  }
  return Object.fromEntries(Object.entries(object).filter(([key]) => key !== 'metadata'));
}

/** Why kubectl's reading and the gate's differ, or undefined when they are alike. */
function compareReadings(byKubectl: Reading, byGate: KubeObject[] | undefined, gateError?: string): string | undefined {
  if ('error' in byKubectl) {
    return byGate === undefined
      ? undefined // Neither reads it: alike.
      : `kubectl cannot read it (${byKubectl.error}); the gate reads ${byGate.length} objects`;
  }
  if (byGate === undefined) {
    return `kubectl reads ${byKubectl.objects.length} objects; the gate cannot read it: ${gateError}`;
  }
  if (byGate.length !== byKubectl.objects.length) {
    return `kubectl reads ${byKubectl.objects.length} objects, the gate ${byGate.length}`;
  }
  const differing = byKubectl.objects
    .map((object, i) => ({ i, where: firstDifference(normalized(object), normalized(byGate[i]), '') }))
    .filter(({ where }) => where !== undefined);
  return differing.length === 0
    ? undefined
    : differing.map(({ i, where }) => `object ${i + 1} (${labelOf(byKubectl.objects[i])}): ${where}`).join('; ');
}

/** The first field where `a` (kubectl's) and `b` (the gate's) differ, and both values. */
function firstDifference(a: unknown, b: unknown, at: string): string | undefined {
  if (isDeepStrictEqual(a, b)) {
    return undefined;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const key of keys) {
      const found = firstDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        Array.isArray(a) ? `${at}[${key}]` : at === '' ? key : `${at}.${key}`,
      );
      if (found !== undefined) {
        return found;
      }
    }
  }
  return `${at || '(the object)'}: kubectl reads ${JSON.stringify(a)}, the gate ${JSON.stringify(b)}`;
}

/** `kubectl create --dry-run=server` of `items`: each object's verdict. */
async function sendDryRun(items: readonly Item[]): Promise<void> {
  (await createEach(items, ['--dry-run=server'])).forEach((said, i) => {
    items[i].server = said === undefined ? { refused: false, said: '' } : { refused: true, said };
  });
}

/**
 * Runs `kubectl create ...flags -o name -f DIR` on `items`, and returns each object's error,
 * undefined where it was taken. Each object is a file of its own in DIR, so each error kubectl
 * prints names its object's file (`error when creating "DIR/00012.json"`). (One file of many
 * objects, or a `kind: List`, would cost less, but in a List kubectl validates the items on the
 * client, not as `kubectl create -f` of the corpus file would, and in a stream of documents an
 * error does not say which document it is for.) kubectl's own work on each file (its field
 * validation setup) takes most of the time, so batches run two at a time. Objects without a
 * namespace go to the context's, `default`.
 */
async function createEach(items: readonly Item[], flags: readonly string[]): Promise<(string | undefined)[]> {
  const errors: (string | undefined)[] = Array.from({ length: items.length }, () => undefined);
  const batches: number[][] = [];
  for (let start = 0; start < items.length; start += CREATE_BATCH) {
    batches.push(items.slice(start, start + CREATE_BATCH).map((_, j) => start + j));
  }
  const sendBatch = async (indexes: number[]) => {
    const dir = fs.mkdtempSync(path.join(work, 'batch-'));
    const files = indexes.map((i) => {
      const file = path.join(dir, `${String(i).padStart(5, '0')}.json`);
      fs.writeFileSync(file, JSON.stringify(normalized(items[i].sent)));
      return file;
    });
    const result = await kubectlAsync(['create', ...flags, '-o', 'name', '-f', dir]);
    const byFile = errorsByFile(result, files);
    indexes.forEach((i, j) => {
      errors[i] = byFile.get(files[j]);
    });
  };
  for (let next = 0; next < batches.length; next += PARALLEL) {
    await Promise.all(batches.slice(next, next + PARALLEL).map(sendBatch));
  }
  return errors;
}

/**
 * kubectl's errors by the file they name. kubectl prints the API server's refusals one a line
 * (`Error from server (Reason): error when creating "FILE": ...`; a message may run over several
 * lines), then the kinds it could not map (`resource mapping not found for name: "x" namespace: ""
 * from "FILE": ...`), one a line when there is no other error, else as one list (`[resource
 * mapping ..., resource mapping ...]`); and `kind.group/name` on stdout for each object it took.
 * Every error must name a file and every object must be accounted for, or this throws with
 * kubectl's output.
 */
function errorsByFile(result: { stdout: string; stderr: string }, files: readonly string[]): Map<string, string> {
  const fail = (why: string): never => {
    throw new Error(
      `kubectl create's output does not account for each object (${why}):\n${result.stderr}${result.stdout}`,
    );
  };
  const starts = [
    ...result.stderr.matchAll(/(?:^|\n)(?=Error from server|error: )|(?:^|\n|\[|, )(?=resource mapping not found)/g),
  ].map((m) => m.index + m[0].length);
  const errors = new Map<string, string>();
  starts.forEach((start, i) => {
    const text = result.stderr
      .slice(start, starts[i + 1] ?? result.stderr.length)
      .replace(/(, |\]\s*|\s+)$/, '')
      .trim();
    const file = files.find((f) => text.includes(`"${f}"`)) ?? fail(`an error names none of the files: ${text}`);
    errors.set(file, text.replace(`error when creating "${file}": `, '').replace(` from "${file}"`, ''));
  });
  const taken = result.stdout.split('\n').filter((line) => line.trim() !== '').length;
  if (taken !== files.length - errors.size) {
    fail(`${taken} taken and ${errors.size} refused of ${files.length}`);
  }
  return errors;
}

/** Creates the namespaces the objects name and the corpus's Namespaces, as a user would first. */
function createNamespaces(items: readonly Item[]): void {
  const names = new Set<string>();
  for (const { sent } of items) {
    const ns = sent.kind === 'Namespace' ? sent.metadata?.name : sent.metadata?.namespace;
    if (typeof ns === 'string' && ns !== '' && !BUILT_IN_NAMESPACES.has(ns)) {
      names.add(ns);
    }
  }
  const existing = new Set(kubectlOk(['get', 'namespaces', '-o', 'name']).split('\n'));
  const toCreate = [...names].filter((ns) => !existing.has(`namespace/${ns}`)).sort();
  const list = {
    apiVersion: 'v1',
    kind: 'List',
    items: toCreate.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
  };
  kubectlOk(['create', '-f', '-'], JSON.stringify(list));
  created.namespaces.push(...toCreate);
}

/**
 * Creates `items` for real (each name once), then waits until the CRDs serve their kinds and every
 * namespace made here has its default ServiceAccount, which pods need. What was created is kept in
 * a file, for afterAll's `kubectl delete -f`.
 */
async function createForReal(items: readonly Item[]): Promise<void> {
  const seen = new Set<string>();
  const unique = items.filter((item) => {
    const key = `${item.sent.kind}/${item.sent.metadata?.namespace ?? ''}/${item.sent.metadata?.name}`;
    return !seen.has(key) && seen.add(key);
  });
  const made: KubeObject[] = [];
  (await createEach(unique, [])).forEach((error, i) => {
    if (error === undefined) {
      made.push(normalized(unique[i].sent));
    } else {
      // Taken by the dry run, refused now: the objects that need it will say so.
      progress(`not created: ${unique[i].label}: ${error}`);
    }
  });
  createdFile = path.join(work, 'created.json');
  fs.writeFileSync(createdFile, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: made }));
  const crds = made.filter((object) => object.kind === 'CustomResourceDefinition').map((o) => String(o.metadata.name));
  createdCrds.push(...crds);
  if (crds.length > 0) {
    kubectl(['wait', '--for=condition=Established', `--timeout=${WAIT_MS / 1000}s`, ...crds.map((n) => `crd/${n}`)]);
  }
  for (const ns of created.namespaces) {
    await eventually(
      `ServiceAccount default in ${ns}`,
      () => kubectlOk(['get', 'serviceaccount', 'default', '-n', ns]),
      WAIT_MS,
    );
  }
}

function labelOf(object: KubeObject): string {
  const ns = object.metadata?.namespace;
  return `${object.kind}/${ns ? `${ns}/` : ''}${object.metadata?.name ?? object.metadata?.generateName ?? '(no name)'}`;
}

function blank(source: Source): Pick<Disagreement, 'file' | 'module' | 'index' | 'object'> {
  return { file: source.name, module: source.module, index: -1, object: {} };
}

function describeDisagreement(d: Disagreement): string {
  const where = `${d.file}${d.index >= 0 ? ` #${d.index + 1}` : ''} ${d.label}`;
  switch (d.kind) {
    case 'reading':
      return `${where}: read differently: ${d.server}`;
    case 'server-only':
      return `${where}: the API server refuses it, the gate takes it: ${oneLine(d.server)}`;
    case 'gate-only':
      return `${where}: the gate refuses it, the API server takes it: ${d.gate.join('; ')}`;
    case 'message':
      return `${where}: both refuse, but the API server does not say "${d.gate.join('"; "')}": ${oneLine(d.server)}`;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/** The running kube-apiserver's flags and the admission plugins they leave on. */
interface ApiServerFlags {
  /** Its command line's flags, the cluster's state dir written as $STATE_DIR. */
  readonly flags: readonly string[];
  /** The default admission plugins, as its --help names them, then those the flags add. */
  readonly admission: readonly string[];
}

/**
 * Reads the flags the local control plane's kube-apiserver runs with from its process
 * (K8S_SANDBOX_STATE_DIR/pids/kube-apiserver.pid, as kit/lab/cluster/components.sh records it,
 * then /proc/PID/cmdline), and its default admission plugins from the binary's own --help, so the
 * doc says what judged the corpus rather than what a script meant to start.
 */
async function apiServerFlags(): Promise<ApiServerFlags> {
  const stateDir = process.env.K8S_SANDBOX_STATE_DIR;
  const pidFile = stateDir === undefined ? undefined : path.join(stateDir, 'pids', 'kube-apiserver.pid');
  if (pidFile === undefined || !fs.existsSync(pidFile)) {
    throw new Error(
      `the local control plane's kube-apiserver is not found (${pidFile ?? 'K8S_SANDBOX_STATE_DIR unset'}): ` +
        'run this file through kit/lab/e2e/run.sh, which starts the cluster and sets K8S_SANDBOX_STATE_DIR',
    );
  }
  const pid = fs.readFileSync(pidFile, 'utf8').trim().split(/\s+/)[0];
  const [binary, ...args] = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  const help = (await run(binary, ['--help'], { okExitCodes: [1, 2] })).stdout;
  const defaults = /--enable-admission-plugins strings\s+.*?default enabled ones \(([^)]*)\)/.exec(help);
  if (defaults === null) {
    throw new Error(`${binary} --help names no default admission plugins: the doc would not say which ran`);
  }
  const added =
    args
      .find((a) => a.startsWith('--enable-admission-plugins='))
      ?.split('=')[1]
      .split(',') ?? [];
  const disabled =
    args
      .find((a) => a.startsWith('--disable-admission-plugins='))
      ?.split('=')[1]
      .split(',') ?? [];
  return {
    flags: args.map((a) => (stateDir === undefined ? a : a.split(stateDir).join('$STATE_DIR'))),
    admission: [...defaults[1].split(', '), ...added].filter((name) => !disabled.includes(name)),
  };
}

/** Writes the figures, every disagreement by cause and the objects listed apart into kit/docs/check-parity.md. */
async function writeDoc(r: Results, apiServer: ApiServerFlags): Promise<void> {
  const compared = r.items.length - r.apart.length;
  const verdictDisagreements = r.disagreements.filter((d) => d.kind !== 'reading');
  const readingDisagreements = r.disagreements.filter((d) => d.kind === 'reading');
  const agreeing = compared - new Set(verdictDisagreements.map((d) => `${d.file}#${d.index}`)).size;
  const modules = [...new Set(r.sources.map((s) => s.module))].sort();
  const apart = new Set(r.apart.map(({ item }) => item));
  const unjudged = r.items.filter((item) => item.gateChecked === false && !apart.has(item));
  const refusedByBoth = r.items.filter(
    (item) => !apart.has(item) && item.server?.refused === true && (item.gateLines ?? []).length > 0,
  ).length;
  const kindCounts = new Map<string, number>();
  for (const item of r.items) {
    kindCounts.set(String(item.sent.kind), (kindCounts.get(String(item.sent.kind)) ?? 0) + 1);
  }
  const kinds = [...kindCounts].sort(([a, m], [b, n]) => n - m || a.localeCompare(b));
  const lines = [
    `Measured by \`npm run test:e2e\` (kit/lab/e2e/corpus-parity.test.ts) on ${new Date().toISOString().slice(0, 10)}: ` +
      `${r.sources.length} files from ${modules.length} Go modules, ${r.items.length} objects read alike by kubectl and the gate; ` +
      `\`go mod download\` of the modules and the checks of their files took ${r.corpusSeconds.toFixed(1)} s, ` +
      `the whole suite ${((Date.now() - suiteStarted) / 1000).toFixed(0)} s.`,
    '',
    `- **Agreement: ${agreeing} of ${compared} objects (${((100 * agreeing) / Math.max(compared, 1)).toFixed(1)} %)** ` +
      `had the same verdict from the API server and the gate (${refusedByBoth} refused by both), and where both ` +
      `refused, the API server's message held the gate's.`,
    `- Of the ${compared} objects compared, ${unjudged.length} are of kinds the gate leaves to the schema gates ` +
      `(not built into its scheme: ${[...new Set(unjudged.map((i) => i.sent.kind))].sort().join(', ')}); ` +
      `the API server judged them, the gate took them.`,
    `- ${verdictDisagreements.length} disagreements on verdicts or messages, ${readingDisagreements.length} files read differently; ` +
      `${r.unexplained.length} without an explanation.`,
    `- ${r.apart.length} objects listed apart: their prerequisite is not in the corpus.`,
    `- Kinds: ${kinds.map(([kind, n]) => `${kind} ${n}`).join(', ')}.`,
    '',
    '| Go module | version | licence | files | objects |',
    '| --- | --- | --- | --- | --- |',
    ...modules.map((module) => {
      const files = r.sources.filter((s) => s.module === module);
      const objects = r.items.filter((i) => i.source.module === module).length;
      return `| ${module} | ${files[0].version} | ${files[0].licence} | ${files.length} | ${objects} |`;
    }),
    '',
    '### The API server that judged',
    '',
    `Admission plugins on: ${apiServer.admission.join(', ')}.`,
    '',
    '```',
    `kube-apiserver ${apiServer.flags.join(' \\\n  ')}`,
    '```',
    '',
    '### Disagreements by cause',
    '',
  ];
  const groups: [string, string, Disagreement[]][] = [
    ...CAUSES.filter((c) => (r.explained.get(c) ?? []).length > 0).map((c): [string, string, Disagreement[]] => [
      c.name,
      c.explanation,
      r.explained.get(c) ?? [],
    ]),
    ...(r.unexplained.length > 0
      ? [
          ['Unexplained', 'No explanation matches these: the test fails until each has one.', [...r.unexplained]] as [
            string,
            string,
            Disagreement[],
          ],
        ]
      : []),
  ];
  if (groups.length === 0) {
    lines.push('None.', '');
  }
  for (const [name, explanation, list] of groups) {
    lines.push(`#### ${name} (${list.length})`, '', explanation, '');
    lines.push(...list.map((d) => `- ${escapeMarkdown(describeDisagreement(d))}`), '');
  }
  lines.push('### Listed apart: prerequisite not in the corpus', '');
  const byPrerequisite = new Map<Prerequisite, Item[]>();
  for (const { item, prerequisite } of r.apart) {
    byPrerequisite.set(prerequisite, [...(byPrerequisite.get(prerequisite) ?? []), item]);
  }
  if (byPrerequisite.size === 0) {
    lines.push('None.');
  }
  for (const [prerequisite, list] of byPrerequisite) {
    lines.push(`#### ${prerequisite.name} (${list.length})`, '', prerequisite.explanation, '');
    lines.push(
      ...list.map(
        (item) =>
          `- ${escapeMarkdown(`${item.source.name} #${item.index + 1} ${item.label}: ${oneLine(item.server?.said ?? '')}`)}`,
      ),
      '',
    );
  }
  await writeDocBlock(DOC, 'corpus-parity', lines.join('\n'));
}

function escapeMarkdown(text: string): string {
  return text.replace(/([*_`<>|[\]\\])/g, '\\$1');
}
