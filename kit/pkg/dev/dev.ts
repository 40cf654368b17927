// `npm run dev` (kit/cmd/dev.ts): the inner loop, as `skaffold dev` and `tilt up` run it for their projects. It
// watches the app's sources (kit/pkg/common/synth-stamp.ts's APP_SOURCES: main.ts, lib/, imports/,
// cdk8s.yaml, package-lock.json) and, once at start and then on each save:
//   1. synthesizes the app into dist/ (kit/pkg/synth/synth.ts, as `npm run synth`): a bad prop
//      prints the construct's message and its construct path, and nothing is deployed;
//   2. runs the fast gates of `npm run check` on what it wrote: the API server's validation
//      (api-server.ts) and Pod Security (pod-security.ts); a finding stops the cycle there;
//   3. deploys dist/ as `npm run apply` does (kit/pkg/deploy/deploy.ts): the preview of what
//      changes, Helm's upgrade, the fail-fast wait, and on failure the explanation and the
//      restore of what ran before;
//   4. prints the live state of the deployed pods (live.ts) until the next save.
// A loop around the commands' own functions, never a copy of them. Saves are coalesced
// (coalesce.ts). Ctrl-C or SIGTERM stops the watcher and every process the loop started (Helm
// records an interrupted deploy as failed), removes its temporary folders and, with --cluster,
// the local cluster it started. Output is plain lines, in a terminal as in a log.
import * as path from 'node:path';
import { watch } from 'chokidar';
import { apiServer } from '../check/api-server';
import { type Finding, formatFinding } from '../check/findings';
import { podSecurity } from '../check/pod-security';
import { goModuleVersion, goTool } from '../common/go-tools';
import { objectId } from '../common/kube';
import { type ManifestObject, loadObjects, manifestFiles } from '../common/manifests';
import { APP_SOURCES } from '../common/synth-stamp';
import { removeTempDirs } from '../common/temp-dir';
import { deploy, deployRequest } from '../deploy/deploy';
import { type Target, resolveTarget } from '../deploy/target';
import { outputOf, synth } from '../synth/synth';
import { type LocalCluster, startLocalCluster, stopLocalCluster } from './cluster';
import { type Coalescer, coalesce } from './coalesce';
import { showLiveState } from './live';
import { stopDescendants } from './processes';

const ROOT = path.resolve(__dirname, '../../..');
/** How long the sources must be quiet after a save before a cycle starts: an editor's burst of writes. */
const QUIET_MS = 150;

/** What `npm run dev` is asked. */
export interface DevRequest {
  /** Start the local cluster (npm run cluster:up) and deploy there; stop it again at the end. */
  readonly cluster: boolean;
  /** With `cluster`: a real node that runs the containers (needs root). */
  readonly realNode: boolean;
  /** Where to deploy: kubectl's --context, --kubeconfig and --namespace (default: the current context). */
  readonly target: Partial<Target>;
}

const say = (line: string) => console.log(`dev: ${line}`);
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** The fast gates of npm run check, by name: what they need is found once, at start. */
async function fastGates(): Promise<[string, (objects: readonly ManifestObject[]) => Promise<Finding[]>][]> {
  const kubeRules = await goTool('kube-rules', say);
  // The API server of the release the cluster scripts build, as npm run check names its gate.
  const { version } = await goModuleVersion(path.join(ROOT, 'kit/go/cluster/kube'), 'k8s.io/kubernetes');
  const apiServerGate = `api-server ${version.replace(/^v/, '')}`;
  return [
    ['pod-security', (objects) => podSecurity(kubeRules, objects)],
    [
      apiServerGate,
      (objects) =>
        apiServer(apiServerGate, kubeRules, objects, { note: (note) => say(`note: ${formatFinding(note)}`) }),
    ],
  ];
}

/** What the loop has started, so that shutdown stops it: each part is set as it starts. */
interface Running {
  /** Whether the loop started the local cluster, and so stops it. */
  ownsCluster: boolean;
  /** Whether a signal has begun the shutdown. */
  stopping: boolean;
  /** The live state of the last deploy, printed until the next save. */
  live?: AbortController;
  closeWatcher: () => Promise<void>;
  stopLoop: () => void;
}

/** What every cycle works with, found once at start. */
interface Loop {
  readonly projectDir: string;
  readonly outDir: string;
  /** npm run apply's target flags, as given or as the local cluster's. */
  readonly flags: Partial<Target>;
  readonly target: Target;
  readonly gates: Awaited<ReturnType<typeof fastGates>>;
  readonly running: Running;
}

/**
 * Stops the watcher, the live state and every process the loop started, removes its folders,
 * stops the local cluster it started, and exits with `code` (1 if the cluster would not stop).
 */
async function shutdown(running: Running, code: number): Promise<void> {
  say('stopping: the watcher, the live state and every process the loop started');
  running.stopLoop();
  running.live?.abort();
  await running.closeWatcher();
  const stopped = await stopDescendants();
  removeTempDirs();
  if (stopped > 0) {
    say(`stopped ${stopped} process${stopped === 1 ? '' : 'es'} (an interrupted Helm deploy is recorded as failed)`);
  }
  let exitCode = code;
  if (running.ownsCluster) {
    try {
      await stopLocalCluster(say);
    } catch (error) {
      say(String((error as Error).message));
      exitCode = 1;
    }
  }
  // What a deploy interrupted meanwhile may have started.
  await stopDescendants();
  removeTempDirs();
  say('stopped');
  process.exit(exitCode);
}

/** One cycle, on a save or at start: synth, the fast gates, the deploy, then the live state. */
async function cycle(loop: Loop, changed: readonly string[]): Promise<void> {
  const { projectDir, outDir, gates, running } = loop;
  running.live?.abort();
  const began = Date.now();
  say(changed.length === 0 ? 'synthesizing the app' : `saved ${changed.join(', ')}: synthesizing`);
  const synthCode = await synth(projectDir);
  if (synthCode !== 0) {
    say(`synth failed after ${seconds(began)} (the app's message is above): nothing deployed; waiting for a save`);
    return;
  }
  const objects = loadObjects(manifestFiles(outDir));
  say(
    `synthesized ${objects.length} objects into ${outDir}/ in ${seconds(began)}; gates: ${gates.map(([n]) => n).join(', ')}`,
  );
  const gated = Date.now();
  const findings = (await Promise.all(gates.map(([, gate]) => gate(objects)))).flat();
  if (findings.length > 0) {
    findings.forEach((finding) => console.log(formatFinding(finding)));
    say(`${findings.length} finding${findings.length === 1 ? '' : 's'}: nothing deployed; waiting for a save`);
    return;
  }
  say(`gates pass (${seconds(gated)}); deploying ${outDir}/ as npm run apply does`);
  // The objects just read and gated, to the target resolved at start: as npm run apply -- DIR.
  const request = deployRequest(
    outDir,
    objects.map(({ object }) => object),
    loop.target,
  );
  const code = await deploy(request);
  const since = changed.length === 0 ? 'the start' : 'the save';
  say(
    code === 0
      ? `deployed ${seconds(began)} after ${since}; live state until the next save:`
      : `the deploy failed (above) ${seconds(began)} after ${since}; live state until the next save:`,
  );
  running.live = new AbortController();
  const deployed = request.objects.map((object) => ({
    object,
    namespace: objectId(object).namespace || loop.target.namespace,
  }));
  void showLiveState(loop.target, deployed, (line) => say(`live: ${line}`), running.live.signal);
}

/**
 * Watches the app's sources, each save coalesced into a cycle; resolves once the watcher is
 * ready, with the loop of cycles not yet started.
 */
async function watchSources(loop: Loop): Promise<Coalescer> {
  const { projectDir, running } = loop;
  const cycles = coalesce(async (changed) => {
    try {
      await cycle(loop, changed);
    } catch (error) {
      say(`the cycle stopped: ${String((error as Error).message ?? error).trim()}; waiting for a save`);
    }
  }, QUIET_MS);
  running.stopLoop = () => cycles.stop();
  const watcher = watch(
    APP_SOURCES.map((source) => path.join(projectDir, source)),
    {
      ignoreInitial: true,
      // Editors' swap, backup and lock files change while one types, not when one saves.
      ignored: (file) => /^[.#]|~$|\.sw[px]$|^4913$/.test(path.basename(file)),
    },
  );
  running.closeWatcher = () => watcher.close();
  watcher.on('all', (_event, file) => cycles.saved(path.relative(projectDir, file)));
  watcher.on('error', (error) => say(`watcher: ${String((error as Error).message ?? error)}`));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return cycles;
}

/**
 * The loop, until Ctrl-C or SIGTERM, which exit (130, 143) once everything it started is stopped;
 * rejects when it cannot start (the cluster, the target, the gates).
 */
export async function dev(request: DevRequest): Promise<number> {
  const running: Running = {
    ownsCluster: false,
    stopping: false,
    closeWatcher: async () => undefined,
    stopLoop: () => undefined,
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (running.stopping) {
      say(
        `${signal} again: still stopping${running.ownsCluster ? ' (the cluster, so that nothing is left behind)' : ''}`,
      );
      return;
    }
    running.stopping = true;
    void shutdown(running, signal === 'SIGINT' ? 130 : 143);
  };
  // Before anything starts: withTempDir then leaves the removal of its folders to shutdown.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const projectDir = process.cwd();
  let flags: Partial<Target> = request.target;
  try {
    if (request.cluster) {
      const cluster: LocalCluster = await startLocalCluster(request.realNode, say, () => (running.ownsCluster = true));
      flags = { ...flags, kubeconfig: cluster.kubeconfig };
    }
    const target = await resolveTarget(flags);
    say(
      `deploying to namespace ${target.namespace} of ${target.context ? `context ${target.context}` : 'the current context'}` +
        `${target.kubeconfig ? ` of ${target.kubeconfig}` : ''}`,
    );
    const gates = await fastGates();
    const outDir = outputOf(projectDir).dir ?? 'dist';
    const cycles = await watchSources({ projectDir, outDir, flags, target, gates, running });
    if (running.stopping) {
      // Interrupted while starting: shutdown closes the watcher and exits; no cycle starts.
      return new Promise(() => undefined);
    }
    say(`watching ${APP_SOURCES.join(', ')} (Ctrl-C stops)`);
    cycles.start();
  } catch (error) {
    if (running.stopping) {
      return new Promise(() => undefined); // shutdown exits
    }
    if (running.ownsCluster) {
      say(String((error as Error).message));
      await stopDescendants();
      await stopLocalCluster(say).catch((stop: Error) => say(stop.message));
    }
    throw error;
  }
  // Runs until a signal: shutdown exits.
  return new Promise(() => undefined);
}
