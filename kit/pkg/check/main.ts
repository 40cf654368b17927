// `npm run check [-- PATH] [--allow-privileged=false]`: the gates every manifest at PATH (a
// folder or a file, read as `kubectl apply -f PATH` reads it, whatever the file's name; default
// dist/, written by `npm run synth`) must pass. Every gate sees every object the one reader
// (kit/pkg/common/manifests.ts) read. Prints each finding on one line (gate, file, object, field,
// what is wrong) and exits 1 if there is any, 2 if a gate could not run at all. A note
// (`check: note: ...`, on stderr) says what a gate could not check; it fails nothing.
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
import { validateSchemas } from './kubeconform';
import { loadObjects, manifestFiles } from '../common/manifests';
import { podSecurity } from './pod-security';
import { runMain } from '../common/process';
import { requireFresh } from '../common/synth-stamp';
import { spoolPipes } from '../common/pipes';
import { withTempDir } from '../common/temp-dir';
import { cachedApiGroups, newestClusterSchema, targetSchema } from './schemas';

const log = (line: string) => console.error(`check: ${line}`);

async function main(target: string, spoolDir: string, allowPrivileged: boolean): Promise<number> {
  // Each pipe read once into spoolDir, as several programs read the files.
  const { files, original } = spoolPipes(manifestFiles(target), spoolDir);
  const objects = loadObjects(files);
  const from = files.length === 1 && original(files[0]!) === target ? target : `${files.length} files of ${target}/`;
  log(`${objects.length} objects in ${from}`);

  // `go list -m` for the newest API's version runs while the tools are found or built.
  const newest = newestClusterSchema(log);
  newest.catch(() => undefined); // awaited below; a failure while the tools build is reported once, by them
  const kubeRules = await goTool('kube-rules', log);
  const kubeconform = await goTool('kubeconform', log);
  const kubeScoreBinary = await goTool('kube-score', log);
  const schemas = [targetSchema(), await newest];
  // The API server of the newest release: the one the cluster scripts build.
  const apiServerGate = `api-server ${schemas[1]!.version}`;
  const apiServerFlags = { ...defaultApiServerFlags(), allowPrivileged };
  const notes: Finding[] = [];
  // An object of a group neither API defines is a custom resource: the api-server gate's alone.
  const builtInGroups = Promise.all(schemas.map(cachedApiGroups)).then(
    (sets) => new Set(sets.flatMap((groups) => [...groups])),
  );
  const gates: [string, () => Promise<Finding[]>][] = [
    ['pod-security', () => podSecurity(kubeRules, objects)],
    [
      `${apiServerGate} (${describeApiServerFlags(apiServerFlags)})`,
      () => apiServer(apiServerGate, kubeRules, objects, { flags: apiServerFlags, note: (note) => notes.push(note) }),
    ],
    ['kubectl-apply', () => kubectlApply(kubeRules, objects)],
    ...schemas.map((source): [string, () => Promise<Finding[]>] => [
      `schema ${source.version}`,
      async () => validateSchemas(kubeconform, source, files, objects, await builtInGroups),
    ]),
    ['kube-score', () => kubeScore(kubeScoreBinary, files, objects)],
  ];
  return runGates(gates, original, notes);
}

/**
 * Runs the gates at once (each is another program) and prints their results in their order,
 * then the `notes` they wrote; the exit code: 0 all pass, 1 findings, 2 a gate could not run.
 */
async function runGates(
  gates: readonly [string, () => Promise<Finding[]>][],
  original: (file: string) => string,
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
      console.log(formatFinding({ ...finding, file: original(finding.file) }));
    }
    total += findings.length;
  }
  for (const note of notes) {
    log(`note: ${formatFinding({ ...note, file: original(note.file) })}`);
  }
  if (total === 0 && failedToRun === 0) {
    log('all gates pass');
    return 0;
  }
  log(`${total} findings${failedToRun === 0 ? '' : `, ${failedToRun} gates could not run`}`);
  return failedToRun === 0 ? 1 : 2;
}

// --allow-privileged=true|false: kube-apiserver's flag for the api-server gate (default true).
const privilegedFlags = process.argv.slice(2).filter((arg) => arg.startsWith('--allow-privileged'));
const allowPrivileged = !privilegedFlags.includes('--allow-privileged=false');
const args = process.argv.slice(2).filter((arg) => !privilegedFlags.includes(arg));
if (
  args.length > 1 ||
  args[0]?.startsWith('-') ||
  privilegedFlags.some((flag) => !/^--allow-privileged=(true|false)$/.test(flag))
) {
  log(
    'usage: npm run check [-- PATH] [--allow-privileged=false]   (PATH: a folder or file of manifests; default dist. ' +
      "--allow-privileged=true|false: kube-apiserver's flag for the api-server gate; default true, as kubeadm sets it)",
  );
  process.exit(2);
}
// dist/ by default, if the app's sources still make it; a PATH named is taken as it is.
runMain(
  'check',
  async () => {
    const target = args[0] ?? requireFresh('dist', 'name it (npm run check -- dist)');
    return withTempDir('k8s-sandbox-check-pipes-', (spoolDir) => main(target, spoolDir, allowPrivileged));
  },
  2,
);
