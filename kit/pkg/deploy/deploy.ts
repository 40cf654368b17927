// npm run apply: deploys a directory of manifests (default dist/) so that "deployed" means
// "running", or says why not and puts back what ran before.
//
// The engine is Helm 4 (pinned in kit/go/deploy/go.mod): the directory is wrapped on the fly
// into a chart whose one template emits the files raw (`.Files.Get`, so nothing in them is read
// as a template), and `helm upgrade --install --wait=watcher` applies it as release k8s-sandbox,
// records the revision in the cluster, prunes what the previous revision held and this one does
// not, and waits with kstatus. What Helm does not do, and this file adds (docs/design.md says why
// Helm):
//   - a progress line per object and status change, with the elapsed time, and the waiting Helm
//     leaves out (kstatus-watch, kit/go/deploy/main.go, around the same kstatus watcher Helm
//     waits with): a bare Pod running its new images, a ready endpoint for each Service;
//   - failing fast: a container stuck in a reason no wait can fix (ErrImagePull, CrashLoopBackOff,
//     ...) ends the wait within seconds instead of at --timeout (failfast.go says the rule);
//   - on failure, the cluster's own words: container states, the last log lines of a crashing
//     container and Warning events of the objects and their pods (explain.ts);
//   - then `helm rollback` to the revision that ran before (explaining needs the failed pods,
//     which Helm's own --rollback-on-failure would already have replaced);
//   - the move from the kubectl ApplySet that `npm run apply` used before (migrate.ts).
// The steps: kit/cmd/apply.ts reads the command line (nothing is contacted), prepare (reads the
// release, starts the watch and Helm, held before it changes anything, and shows the preview),
// perform (lets Helm apply, and waits), then succeed, or explainAndRestore.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ToolName, binaryPath, goTool } from '../common/go-tools';
import { type KubeObject, type ObjectId, displayId, idKey } from '../common/kube';
import { manifestFiles, parseManifests } from '../common/manifests';
import { kubectlFlags } from '../common/kubectl';
import type { RunResult } from '../common/process';
import { withTempDir } from '../common/temp-dir';
import { explainFailure } from './explain';
import { RELEASE, type Target, helm, resolveTarget } from './target';
import { adoptApplySet, finishApplySetMove } from './migrate';
import { previewDeploy } from './preview';
import { type Watch, type Watched, startWatch } from './watch';
import { declaredScopes, placedId } from '../common/scope';

/** How long a deploy waits for every object to be healthy unless told (`--timeout`, kit/cmd/apply.ts). */
export const DEFAULT_TIMEOUT_SECONDS = 300;

interface Revision {
  readonly revision: number;
  readonly status: string;
}

/**
 * A deploy of `objects` (the manifests of `dir`) to `target`, as `npm run apply -- DIR` asks for
 * it with the options given and the others at their defaults: what a caller that has read the
 * folder and resolved the target already (npm run dev) hands to deploy().
 */
export function deployRequest(
  dir: string,
  objects: readonly KubeObject[],
  target: Partial<Target>,
  options: { noRollback?: boolean; dryRun?: boolean; confirm?: boolean; timeoutSeconds?: number } = {},
) {
  return {
    action: 'deploy',
    dir,
    objects,
    noRollback: options.noRollback ?? false,
    dryRun: options.dryRun ?? false,
    confirm: options.confirm ?? false,
    timeoutSeconds: options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    target,
  } as const;
}

/** Writes into the folder `chart` a chart that emits the files of `dir` unchanged. */
function writeChart(chart: string, dir: string, files: readonly string[]): void {
  fs.mkdirSync(path.join(chart, 'templates'));
  fs.mkdirSync(path.join(chart, 'manifests'));
  fs.writeFileSync(
    path.join(chart, 'Chart.yaml'),
    `apiVersion: v2\nname: ${RELEASE}\nversion: 0.1.0\ndescription: the manifests of ${path.resolve(dir)}, unchanged\n`,
  );
  // The files are data, never templates: a `{{` in a manifest stays as it is.
  fs.writeFileSync(
    path.join(chart, 'templates', 'manifests.yaml'),
    '{{- range $path, $_ := .Files.Glob "manifests/*" }}\n---\n{{ $.Files.Get $path }}\n{{- end }}\n',
  );
  files.forEach((file, index) => {
    const name = `${String(index).padStart(3, '0')}-${path.basename(file)}`;
    fs.copyFileSync(file, path.join(chart, 'manifests', name));
  });
}

/** The release's revisions, oldest first; [] when there is no release yet. */
async function history(target: Target, helmBin: string): Promise<Revision[]> {
  const result = await helm(helmBin, target, ['history', RELEASE, '-o', 'json'], { okExitCodes: [1] });
  if (result.code !== 0) {
    if (/release: not found/.test(result.stderr)) {
      return [];
    }
    throw new Error(`helm history failed: ${result.stderr.trim()}`);
  }
  return JSON.parse(result.stdout) as Revision[];
}

/** A revision that ran, and can be restored. */
const isRestorable = (revision: Revision) => revision.status === 'deployed' || revision.status === 'superseded';

/** `helm get all`'s template: the latest revision's number and status, a tab apart, then its manifest. */
const LATEST = '{{ .Release.Version }}\t{{ .Release.Info.Status }}\n{{ .Release.Manifest }}';

/**
 * The release's latest revision and what it holds, each object where it went; undefined when
 * there is no release yet. One Helm process for both (`helm get all` with a template): starting
 * Helm is most of what a read costs.
 */
async function latestRevision(
  target: Target,
  helmBin: string,
): Promise<{ revision: Revision; objects: ObjectId[] } | undefined> {
  const result = await helm(helmBin, target, ['get', 'all', RELEASE, `--template=${LATEST}`], { okExitCodes: [1] });
  if (result.code !== 0) {
    if (/release: not found/.test(result.stderr)) {
      return undefined;
    }
    throw new Error(`helm get all failed: ${result.stderr.trim()}`);
  }
  const [head = '', ...manifest] = result.stdout.split('\n');
  const [revision = '', status = ''] = head.split('\t');
  const released = parseManifests(manifest.join('\n'), `release ${RELEASE}`);
  const declared = declaredScopes(released);
  const objects = released.map((object) => placedId(object, target.namespace, declared));
  return { revision: { revision: Number(revision), status }, objects };
}

/**
 * The revision to restore if this deploy fails: the latest when it ran (the usual case), else
 * the last that did, from the history (after a deploy left failed by --no-rollback, or stopped).
 */
async function restorableRevision(
  target: Target,
  helmBin: string,
  latest: Revision | undefined,
): Promise<Revision | undefined> {
  if (latest === undefined || isRestorable(latest)) {
    return latest;
  }
  return [...(await history(target, helmBin))].reverse().find(isRestorable);
}

/** Everything a deploy needs, read and started before it changes anything in the cluster. */
interface Plan {
  readonly request: DeployRequest;
  readonly target: Target;
  readonly helmBin: string;
  readonly watchBin: string;
  readonly objects: readonly Watched[];
  /** The revision to restore if this deploy fails; undefined for a first deploy. */
  readonly restorable?: Revision;
  /** What the release's current revision holds (to say what this deploy prunes). */
  readonly previous: readonly ObjectId[];
  readonly migrating: boolean;
  readonly watch: Watch;
  readonly upgrade: HeldUpgrade;
}

/** A deploy, as kit/cmd/apply.ts reads it from `npm run apply -- [DIR] [options] [TARGET]` or npm run dev makes it. */
export type DeployRequest = ReturnType<typeof deployRequest>;
type Logger = (line: string) => void;

/**
 * Reads what the deploy needs (each read at once with the others), starts the watch and Helm,
 * and shows the preview; the exit code instead of a plan when the deploy stops there (--dry-run,
 * or --confirm not answered yes). Helm is started held (startUpgrade): whatever happens here, it
 * has changed nothing when this returns, and is stopped unless a plan is returned.
 */
async function prepare(request: DeployRequest, chart: string, log: Logger): Promise<Plan | { exitCode: number }> {
  const resolving = resolveWithEarlyWatch(request, log);
  let { watch } = resolving;
  let upgrade: Promise<HeldUpgrade | undefined> = Promise.resolve(undefined);
  let plan: Plan | undefined;
  try {
    const target = await resolving.target;
    const helmBin = await goTool('helm', log);
    const watchBin = await goTool('kstatus-watch', log);
    const objects = await resolving.placed;
    if (!request.dryRun) {
      // The watch lists what runs now, before Helm changes anything: started first, it is ready
      // by the time the release has been read and the change previewed.
      watch ??= startWatch(
        watchBin,
        kubectlFlags(target),
        resolving.checked.then(() => objects),
        log,
      );
    }
    const reads = startReads(request, { target, helmBin, chart, checked: resolving.checked }, log);
    upgrade = reads.upgrade;
    const { restorable, previous, preview, migrating } = await settleReads(resolving.checked, reads);
    const held = await upgrade;
    if (!preview.proceed || watch === undefined || held === undefined) {
      return { exitCode: preview.exitCode };
    }
    plan = { request, target, helmBin, watchBin, objects, restorable, previous, migrating, watch, upgrade: held };
    announce(plan, log);
    return plan;
  } finally {
    if (plan === undefined) {
      await stopUpgrade(await upgrade);
      watch?.stop();
    }
  }
}

/** The target while kubectl resolves it, and the watch when it could start before. */
interface Resolving {
  /** The target once its cluster has answered; rejects (a UsageError) when it does not, or there is no such context. */
  readonly checked: Promise<Target>;
  /** The target as soon as it is known: at once with -n, else once checked. */
  readonly target: Promise<Target>;
  /** The objects, each where kubectl would put it in the target. */
  readonly placed: Promise<Watched[]>;
  /** The watch, started early; undefined for a dry run, or when kstatus-watch is not built yet. */
  readonly watch: Watch | undefined;
}

/** Starts resolving the target, and the watcher beside it when it can. */
function resolveWithEarlyWatch(request: DeployRequest, log: Logger): Resolving {
  // The watcher, when built already (the usual case), starts while the target is resolved: it
  // needs only the kubeconfig and context, and waits on its stdin for the objects, which need
  // the namespace. A dry run deploys nothing, and needs no watch.
  const early = request.dryRun ? undefined : builtBinary('kstatus-watch');
  const checked = resolveTarget(request.target);
  // Its rejection (the cluster does not answer, no such context) is thrown before any other
  // read is reported (prepare, settleReads).
  checked.catch(() => undefined);
  // With -n, the target is whole without kubectl's read of the kubeconfig: every read starts
  // at once, and the check that the cluster answers runs beside them.
  const { namespace } = request.target;
  const target = namespace === undefined ? checked : Promise.resolve({ ...request.target, namespace });
  const placed = target.then((known) => placeObjects(request.objects, known.namespace));
  placed.catch(() => undefined);
  // The watcher is given its objects once the target is checked: until then it prints nothing
  // (its own error about a context the kubeconfig lacks would stand beside the deploy's).
  const watch =
    early === undefined
      ? undefined
      : startWatch(
          early,
          kubectlFlags(request.target),
          checked.then(() => placed),
          log,
        );
  return { checked, target, placed, watch };
}

/** The reads of a deploy and its Helm, started; none changes anything. */
interface Reads {
  /** The revision to restore if this deploy fails; undefined for a first deploy. */
  readonly restorable: Promise<Revision | undefined>;
  /** What the release's current revision holds. */
  readonly released: Promise<readonly ObjectId[]>;
  readonly preview: Promise<{ proceed: boolean; exitCode: number }>;
  /** Whether the namespace moves from the kubectl ApplySet (migrate.ts). */
  readonly migrating: Promise<boolean>;
  /** Helm, held, with the move's flags if `migrating`; undefined for a dry run. Never rejects. */
  readonly upgrade: Promise<HeldUpgrade | undefined>;
}

/**
 * Starts the reads and Helm. The preview (what this deploy changes, preview.ts; --dry-run stops
 * there) runs while the release is read: none of them changes anything. Each read starts a
 * process, and starting one costs a busy machine most: first what the preview waits on (the
 * release's objects, kubectl diff), then Helm, then the rest. The ApplySet's check comes last:
 * the preview needs its answer only when its dry run meets a conflict (preview.ts).
 */
function startReads(
  request: DeployRequest,
  { target, helmBin, chart, checked }: { target: Target; helmBin: string; chart: string; checked: Promise<Target> },
  log: Logger,
): Reads {
  let checkedApplySet: (adopting: Promise<boolean>) => void = () => undefined;
  const forceConflicts = new Promise<boolean>((resolve) => (checkedApplySet = resolve));
  const latest = latestRevision(target, helmBin);
  const released = latest.then((read) => read?.objects ?? []);
  const preview = previewDeploy({
    ...request,
    target,
    helmBin,
    release: RELEASE,
    released,
    forceConflicts: forceConflicts.catch(() => false),
    checked,
    log,
  });
  let held: HeldUpgrade | undefined;
  if (!request.dryRun) {
    // Helm starts now, and stops where it reads its values (startUpgrade): what it does before
    // (its own start, the release's history, finding the chart) overlaps the preview.
    writeChart(chart, request.dir, manifestFiles(request.dir));
    held = startUpgrade(helmBin, target, request.timeoutSeconds, chart, false);
  }
  const restorable = latest.then((read) => restorableRevision(target, helmBin, read?.revision));
  const migrating = adoptApplySet(target, log);
  checkedApplySet(migrating);
  const restart = () => startUpgrade(helmBin, target, request.timeoutSeconds, chart, true);
  const upgrade = held === undefined ? Promise.resolve(undefined) : withMoveFlags(held, migrating, restart);
  return { restorable, released, preview, migrating, upgrade };
}

/**
 * The Helm that deploys: `held`, or, when the namespace moves from the ApplySet (once per
 * namespace), which needs other flags, Helm started again. Never rejects: a failed check of the
 * ApplySet is settleReads' to throw.
 */
async function withMoveFlags(
  held: HeldUpgrade,
  migrating: Promise<boolean>,
  restart: () => HeldUpgrade,
): Promise<HeldUpgrade> {
  if (!(await migrating.catch(() => false))) {
    return held;
  }
  await stopUpgrade(held);
  return restart();
}

/**
 * The answers of the reads. Each is awaited, so that a failed read is reported after the
 * preview has printed (and, with --confirm, been answered), never beside it; the first failure
 * is thrown, in this order: the target's, the release's reads, the preview's, the ApplySet's.
 */
async function settleReads(checked: Promise<Target>, reads: Reads) {
  const settled = Promise.allSettled([reads.restorable, reads.released, reads.preview]);
  await checked;
  const [restorable, released, preview] = await settled;
  return {
    restorable: valueOf(restorable),
    previous: valueOf(released),
    preview: valueOf(preview),
    migrating: await reads.migrating,
  };
}

/** The line that says what the deploy is about to do, and where. */
function announce({ request, target, objects, restorable }: Plan, log: Logger): void {
  log(
    `deploying ${objects.length} objects of ${request.dir} as release ${RELEASE} in namespace ${target.namespace}` +
      `${target.context ? ` of context ${target.context}` : ''}` +
      `${restorable ? ` (now at revision ${restorable.revision})` : ' (first deploy)'}; timeout ${request.timeoutSeconds}s`,
  );
}

/** Where kubectl would put each object: its own namespace, else the target's; none if cluster-scoped. */
function placeObjects(objects: readonly KubeObject[], targetNamespace: string): Watched[] {
  const declared = declaredScopes(objects);
  return objects.map((object) => ({ object, id: placedId(object, targetNamespace, declared) }));
}

/** The path of the program `name` if it is built, without building it. */
function builtBinary(name: ToolName): string | undefined {
  const binary = binaryPath(name);
  return fs.existsSync(binary) ? binary : undefined;
}

/** The value of a settled promise, or its error thrown. */
function valueOf<T>(settled: PromiseSettledResult<T>): T {
  if (settled.status === 'rejected') {
    throw settled.reason;
  }
  return settled.value;
}

/** Resolves after `ms` (however long: Node's own timers stop at 24.8 days), or when `signal` aborts. */
async function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end && !signal.aborted) {
    await sleep(Math.min(end - Date.now(), 2 ** 31 - 1), undefined, { signal }).catch(() => undefined);
  }
}

/**
 * Lets Helm apply the plan and wait with kstatus (`--wait=watcher`), while the watch
 * (kstatus-watch) waits for the rest (a Pod's images, a Service's endpoints) and for a failure
 * that persists. Healthy is both: Helm done and the watch healthy. On a failure that persisted
 * or at --timeout, Helm is stopped as Ctrl-C stops it (SIGTERM: it records the release as
 * failed, so `helm rollback` and the next deploy work); then the failure is explained and the
 * revision before is restored.
 */
async function perform(plan: Plan, started: number, log: Logger): Promise<number> {
  const { request, watch, upgrade } = plan;
  await watch.synced;
  const stopTimer = new AbortController();
  // From here, as Helm's own --timeout: not from the command, whose first run may build Helm.
  const timedOut = sleepFor(request.timeoutSeconds * 1000, stopTimer.signal).then(
    () => `not healthy after --timeout ${request.timeoutSeconds}s`,
  );
  try {
    upgrade.go();
    const outcome = await waitForDeploy(plan, timedOut);
    if ('helmOutput' in outcome) {
      return await succeed(plan, outcome.helmOutput, log);
    }
    log(`FAILED: ${outcome.why}`);
    if (outcome.helmWaiting) {
      log(`stopping Helm's wait (SIGTERM, as Ctrl-C: Helm records the revision as failed)`);
      upgrade.stop();
      await upgrade.result;
    }
    return await explainAndRestore(plan, started, log);
  } finally {
    stopTimer.abort();
  }
}

/** How a deploy's wait ended: healthy, with Helm's output, or why not, and whether Helm still waits. */
type Outcome = { readonly helmOutput: string } | { readonly why: string; readonly helmWaiting: boolean };

/**
 * Waits for the first of Helm's exit, a failure that persisted and the timeout; once Helm has
 * applied and waited, for the watch's healthy, a failure or the timeout.
 */
async function waitForDeploy({ watch, upgrade }: Plan, timedOut: Promise<string>): Promise<Outcome> {
  const first = await Promise.race([
    upgrade.result.then((result) => ({ helm: result })),
    watch.failed.then((why) => ({ why })),
    timedOut.then((why) => ({ why })),
  ]);
  if (!('helm' in first)) {
    return { why: first.why, helmWaiting: true };
  }
  if (first.helm.code !== 0) {
    return { why: helmError(first.helm.stderr), helmWaiting: false };
  }
  const then = await Promise.race([
    watch.healthy().then(() => undefined),
    watch.failed,
    timedOut.then((why) => `${why}: ${notHealthy(watch)}`),
  ]);
  return then === undefined ? { helmOutput: first.helm.stdout } : { why: then, helmWaiting: false };
}

/** `helm upgrade --install`, started and held where it reads its values, before it changes anything. */
interface HeldUpgrade {
  /** Lets Helm read its values (none) and go on: apply, then wait. */
  go(): void;
  /**
   * SIGTERM, as Ctrl-C: held, Helm exits having changed nothing; once going, it records the
   * revision as failed.
   */
  stop(): void;
  /** How Helm exited. */
  readonly result: Promise<RunResult>;
}

/**
 * Starts `helm upgrade --install` of `chart` with its values read from stdin (`--values=-`),
 * which stays open until `go`. Helm reads its values after the release's history and before it
 * loads the chart or changes anything (pkg/cmd/upgrade.go and install.go's runInstall, where it
 * supports stdin values on purpose), so a held Helm has only read. Helm that cannot start or
 * dies of a signal is a failed deploy like any other: explained and restored, never a throw past
 * the restore.
 */
function startUpgrade(
  helmBin: string,
  target: Target,
  timeoutSeconds: number,
  chart: string,
  migrating: boolean,
): HeldUpgrade {
  const args = [
    'upgrade',
    '--install',
    RELEASE,
    chart,
    '--wait=watcher',
    `--timeout=${timeoutSeconds}s`,
    // The release as JSON: its revision, without another `helm history`.
    '--output=json',
    '--values=-',
    // Adopt the ApplySet's objects, and win over kubectl's field ownership of them, as a
    // kubectl apply of the same manifests would (migrate.ts).
    ...(migrating ? ['--take-ownership', '--force-conflicts'] : []),
  ];
  let release: (values: string) => void = () => undefined;
  const input = new Promise<string>((resolve) => (release = resolve));
  const stop = new AbortController();
  const result = helm(helmBin, target, args, { okExitCodes: [1], stop: stop.signal, input }).catch((error: Error) => ({
    code: -1,
    stdout: '',
    stderr: error.message,
  }));
  return { go: () => release('{}\n'), stop: () => stop.abort(), result };
}

/** Stops a held Helm (it has changed nothing) and waits for it to exit. */
async function stopUpgrade(upgrade: HeldUpgrade | undefined): Promise<void> {
  upgrade?.stop();
  await upgrade?.result;
}

/** Helm logs the error once as a slog line and once as "Error: ...": the second. */
function helmError(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !line.startsWith('level='))
    .join('\n')
    .trim();
}

/** What the watch still waits for, in one line. */
function notHealthy(watch: Watch): string {
  const waiting = [...watch.latest().values()].filter((line) => !/: Current(:|$)/.test(line));
  return waiting.length > 0
    ? waiting.join('; ')
    : 'a Pod is not running its images, or a Service has no ready endpoint';
}

async function succeed(plan: Plan, helmOutput: string, log: Logger): Promise<number> {
  const ids = plan.objects.map((o) => o.id);
  if (plan.migrating) {
    await finishApplySetMove(plan.target, ids, log);
  }
  const kept = new Set(ids.map(idKey));
  for (const id of plan.previous.filter((p) => !kept.has(idKey(p)))) {
    log(`${displayId(id)}: pruned (no longer in the manifests)`);
  }
  let revision: number | undefined;
  try {
    revision = (JSON.parse(helmOutput) as { version?: number }).version;
  } catch {
    // The deploy is done whatever Helm printed; only the revision number goes unsaid.
  }
  log(`deployed: revision ${revision ?? '(see npm run apply -- history)'}, all ${ids.length} objects healthy`);
  return 0;
}

/**
 * After a failed wait: the explanation is best-effort (whatever it cannot read is said in one
 * line), the restore is not: it runs whatever happened while explaining.
 */
async function explainAndRestore(plan: Plan, started: number, log: Logger): Promise<number> {
  await explain(plan, started, log);
  const { request, restorable } = plan;
  if (request.noRollback) {
    log(`left as it is (--no-rollback); npm run apply -- history lists the revisions to roll back to`);
  } else if (restorable) {
    await restore(plan, restorable.revision, log);
  } else {
    log(`no earlier revision to restore: this was the first deploy (npm run apply -- history)`);
  }
  return 1;
}

/** Prints why the deploy failed, in the cluster's words (explain.ts); what it cannot read, in one line. */
async function explain(plan: Plan, started: number, log: Logger): Promise<void> {
  try {
    const lines = await explainFailure(
      plan.target,
      plan.objects.map((o) => o.id),
      started,
      plan.watch.latest(),
    );
    for (const line of lines) {
      console.log(line);
    }
  } catch (error) {
    log(`could not explain the failure: ${String((error as Error).message ?? error).split('\n')[0]}`);
  }
}

/** Rolls the release back to `revision` and waits for it, saying how that went. */
async function restore(plan: Plan, revision: number, log: Logger): Promise<void> {
  log(`restoring revision ${revision}, which ran before (helm rollback)`);
  // Helm's own wait would read the pods before the kubelet has acted on the restored spec: a
  // container still in CrashLoopBackOff is kstatus Failed, which ends Helm's wait at once. So
  // Helm applies, and the watcher waits as for a deploy.
  const rollback = await helm(plan.helmBin, plan.target, ['rollback', RELEASE, String(revision)], {
    okExitCodes: [1],
  });
  const why = rollback.code === 0 ? await waitForRestore(plan, revision, log) : rollback.stderr.trim();
  log(why === undefined ? `restored revision ${revision}` : `restoring revision ${revision} FAILED: ${why}`);
}

/** Waits for the restored revision's objects to be healthy; the reason if they are not. */
async function waitForRestore(plan: Plan, revision: number, log: Logger): Promise<string | undefined> {
  const manifest = await helm(plan.helmBin, plan.target, ['get', 'manifest', RELEASE, `--revision=${revision}`], {
    okExitCodes: [1],
  });
  if (manifest.code !== 0) {
    return `cannot read revision ${revision}: ${manifest.stderr.trim()}`;
  }
  const objects = placeObjects(parseManifests(manifest.stdout, `revision ${revision}`), plan.target.namespace);
  // No failing fast here: the kubelet may still back off from the failed revision's container
  // (an image changed in place keeps the pod's CrashLoopBackOff) before it tries this one.
  const watch = startWatch(plan.watchBin, [...kubectlFlags(plan.target), '--no-fail-fast'], objects, log);
  const stopTimer = new AbortController();
  try {
    return await Promise.race([
      watch.healthy().then(() => undefined),
      sleepFor(plan.request.timeoutSeconds * 1000, stopTimer.signal).then(
        () => `not healthy after --timeout ${plan.request.timeoutSeconds}s: ${notHealthy(watch)}`,
      ),
    ]);
  } finally {
    stopTimer.abort();
    watch.stop();
  }
}

/**
 * The deploy of `request`: preview, apply and wait, then succeed, or explain and restore; resolves
 * to the exit code of `npm run apply` (0 deployed, 1 failed or not confirmed, as a dry run says).
 * The chart is written in a temporary folder that an interrupt removes too (temp-dir.ts).
 */
export async function deploy(request: DeployRequest): Promise<number> {
  const started = Date.now();
  const log: Logger = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}`);
  return withTempDir('k8s-sandbox-chart-', async (chart) => {
    const plan = await prepare(request, chart, log);
    if ('exitCode' in plan) {
      return plan.exitCode;
    }
    try {
      return await perform(plan, started, log);
    } finally {
      plan.watch.stop();
    }
  });
}

/**
 * `npm run apply -- history` (no revision) or `rollback REVISION`: Helm's own, on the release at
 * `target`; prints what Helm prints and resolves to its exit code.
 */
export async function releaseCommand(request: {
  readonly action: 'history' | 'rollback';
  readonly revision?: string;
  readonly timeoutSeconds: number;
  readonly target: Partial<Target>;
}): Promise<number> {
  const target = await resolveTarget(request.target);
  const helmBin = await goTool('helm', (line) => console.error(line));
  const args =
    request.action === 'history'
      ? ['history', RELEASE]
      : ['rollback', RELEASE, String(request.revision), '--wait=watcher', `--timeout=${request.timeoutSeconds}s`];
  const result = await helm(helmBin, target, args, { okExitCodes: [1] });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.code;
}
