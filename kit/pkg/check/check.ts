// `npm run check -- [PATH...] [-R] [--allow-privileged=false]` (kit/cmd/check.ts): the gates every manifest at the
// PATHs (folders, files or pipes, taken as `kubectl apply -f PATH... [-R]` takes them; default
// dist/, written by `npm run synth`) must pass. kubectl's own code reads them (kube-rules read,
// kubectl-read.ts): every gate sees the objects kubectl would send, and a file kubectl cannot
// read is one finding while the others are still checked. Prints each finding on one line (gate, file, object, field, what is
// wrong) and exits 1 if there is any, 2 if a gate could not run at all or kubectl would read
// nothing (a path that does not exist, no object at all: kubectl's words). A note (`check:
// note: ...`, on stderr) says what a gate could not check; it fails nothing.
//   read             a file kubectl cannot read; where the toolkit's own reader
//                    (kit/pkg/common/manifests.ts, that of diff and apply) reads a value otherwise
//                    ("the project reads "0X1F", kubectl reads 31"); a key given twice
//   pod-security     every pod spec meets the Pod Security Standard "restricted"
//   api-server 1.34.x  what kube-apiserver itself says to `kubectl create` of each object: its
//                    own decoding (strict, int32 ranges), defaulting, the mutating admission
//                    every cluster runs (ServiceAccount, DefaultTolerationSeconds), the Service
//                    storage's create (clusterIPs from the lab cluster's
//                    --service-cluster-ip-range, nodePorts and healthCheckNodePort from
//                    30000-32767, against the folder's other Services) and validation, run
//                    offline from k8s.io/kubernetes as kit/go/cluster/kube/go.mod pins it; the
//                    message is the API server's. Built-in kinds, CustomResourceDefinitions,
//                    APIServices, and the custom resources whose CustomResourceDefinition is
//                    among the manifests (one that is not gets a note, once per kind). With
//                    --allow-privileged=true as kubeadm sets it, unless --allow-privileged=false
//                    is given; its log line names both flags. Not admission that reads cluster
//                    state, not what only the cluster's storage knows (a name or nodePort
//                    already taken there)
//   kubectl-apply    client-side `kubectl apply -f` can create the object: its
//                    last-applied-configuration annotation keeps metadata.annotations within
//                    the API server's 256 KiB (else: kubectl apply --server-side)
//   schema 1.27.0    kubeconform, strict, against the API cdk8s-plus-27 targets; built-in kinds
//                    only, custom resources are the api-server gate's
//   schema 1.34.x    the same against the newest API the real-cluster test builds
//                    (k8s.io/kubernetes as kit/go/cluster/kube/go.mod pins it)
//   kube-score       no CRITICAL and no WARNING, except checks an object ignores on purpose
import { type Finding, formatFinding } from './findings';
import { apiServer, defaultApiServerFlags, describeApiServerFlags } from './api-server';
import { goTool } from '../common/go-tools';
import { kubeScore } from './kube-score';
import { kubectlApply } from './kubectl-apply';
import { kubectlObjects, readAsKubectl, readFindings } from './kubectl-read';
import { validateSchemas } from './kubeconform';
import { podSecurity } from './pod-security';
import { requireFresh } from '../common/synth-stamp';
import { cachedApiGroups, newestClusterSchema, targetSchema } from './schemas';

const log = (line: string) => console.error(`check: ${line}`);

/** What `npm run check` is asked to check. */
export interface CheckRequest {
  /**
   * The folders, files and pipes of manifests, as `kubectl apply -f PATH...` takes them.
   * @default - dist/, which must be fresh (synthesized from the app's sources)
   */
  readonly paths?: readonly string[];
  /** -R, --recursive: the subfolders of a folder too, as kubectl's -R. */
  readonly recursive: boolean;
  /** kube-apiserver's --allow-privileged for the api-server gate (true as kubeadm sets it). */
  readonly allowPrivileged: boolean;
}

/**
 * Runs the gates on the manifests at `request.paths` and prints their findings; resolves to the
 * exit code: 0 all pass, 1 findings, 2 a gate could not run.
 */
export async function check(request: CheckRequest): Promise<number> {
  const { recursive, allowPrivileged } = request;
  // dist/ by default, if the app's sources still make it; a PATH named is taken as it is.
  const paths =
    request.paths !== undefined && request.paths.length > 0
      ? request.paths
      : [requireFresh('dist', 'name it (npm run check -- dist)')];
  // `go list -m` for the newest API's version runs while the tools are found or built.
  const newest = newestClusterSchema(log);
  newest.catch(() => undefined); // awaited below; a failure while the tools build is reported once, by them
  const kubeRules = await goTool('kube-rules', log);
  const files = await readAsKubectl(kubeRules, paths, recursive);
  const objects = kubectlObjects(files);
  const from =
    files.length === 1 && paths.length === 1 && files[0]!.path === paths[0]
      ? paths[0]
      : `${files.length} files of ${paths.join(', ')}`;
  log(`${objects.length} objects in ${from}`);

  const kubeconform = await goTool('kubeconform', log);
  const kubeScoreBinary = await goTool('kube-score', log);
  const schemas = [targetSchema(), await newest];
  // The API server of the newest release: the one the cluster scripts build.
  const apiServerGate = `api-server ${schemas[1]!.version}`;
  const read = readFindings(files);
  const apiServerFlags = { ...defaultApiServerFlags(), allowPrivileged };
  const notes: Finding[] = [];
  // An object of a group neither API defines is a custom resource: the api-server gate's alone.
  const builtInGroups = Promise.all(schemas.map(cachedApiGroups)).then(
    (sets) => new Set(sets.flatMap((groups) => [...groups])),
  );
  const gates: [string, () => Promise<Finding[]>][] = [
    ['read', () => Promise.resolve(read)],
    ['pod-security', () => podSecurity(kubeRules, objects)],
    [
      `${apiServerGate} (${describeApiServerFlags(apiServerFlags)})`,
      () => apiServer(apiServerGate, kubeRules, objects, { flags: apiServerFlags, note: (note) => notes.push(note) }),
    ],
    ['kubectl-apply', () => kubectlApply(kubeRules, objects)],
    ...schemas.map((source): [string, () => Promise<Finding[]>] => [
      `schema ${source.version}`,
      async () => validateSchemas(kubeconform, source, objects, await builtInGroups),
    ]),
    ['kube-score', () => kubeScore(kubeScoreBinary, objects)],
  ];
  return runGates(gates, notes);
}

/**
 * Runs the gates at once (each is another program) and prints their results in their order,
 * then the `notes` they wrote; the exit code: 0 all pass, 1 findings, 2 a gate could not run.
 */
async function runGates(
  gates: readonly [string, () => Promise<Finding[]>][],
  notes: readonly Finding[],
): Promise<number> {
  const started = Date.now();
  const results = gates.map(([, gate]) => {
    const done = gate();
    return done.then(
      (findings) => ({ findings, ms: Date.now() - started }),
      (error: unknown) => ({ error, ms: Date.now() - started }),
    );
  });
  let total = 0;
  let failedToRun = 0;
  for (const [index, [name]] of gates.entries()) {
    const result = await results[index]!;
    if (!('findings' in result)) {
      const error = result.error;
      // Go on with the other gates: kube-score, for one, cannot read an object of the wrong
      // shape, which the schema gates have just explained.
      log(`${name}: could not run: ${(error instanceof Error ? error.message : String(error)).trim()}`);
      failedToRun += 1;
      continue;
    }
    const { findings } = result;
    log(`${name}: ${findings.length === 0 ? 'ok' : `${findings.length} findings`} (${result.ms} ms)`);
    for (const finding of findings) {
      console.log(formatFinding(finding));
    }
    total += findings.length;
  }
  for (const note of notes) {
    log(`note: ${formatFinding(note)}`);
  }
  if (total === 0 && failedToRun === 0) {
    log('all gates pass');
    return 0;
  }
  log(`${total} findings${failedToRun === 0 ? '' : `, ${failedToRun} gates could not run`}`);
  return failedToRun === 0 ? 1 : 2;
}
