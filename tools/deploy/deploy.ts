// npm run apply: deploys a directory of manifests (default dist/) so that "deployed" means
// "running", or says why not and puts back what ran before.
//
// The engine is Helm 4 (pinned in tools/deploy/go.mod): the directory is wrapped on the fly
// into a chart whose one template emits the files raw (`.Files.Get`, so nothing in them is read
// as a template), and `helm upgrade --install --wait=watcher` applies it as release k8s-sandbox,
// records the revision in the cluster, prunes what the previous revision held and this one does
// not, and waits with kstatus. What Helm does not do, and this file adds (README, "From the pull
// request to the live cluster", says why):
//   - a progress line per object and status change (kstatus-watch, tools/deploy/main.go: the
//     same kstatus watcher Helm waits with), with the elapsed time;
//   - ready endpoints for each Service (kubectl wait on its EndpointSlices; kstatus counts a
//     Service as Current at once);
//   - on failure, the cluster's own words: container states, the last log lines of a crashing
//     container and Warning events of the objects and their pods (explain.ts);
//   - then `helm rollback` to the revision that ran before (explaining needs the failed pods,
//     which Helm's own --rollback-on-failure would already have replaced);
//   - the move from the kubectl ApplySet that `npm run apply` used before (migrate.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { goTool } from '../common/go-tools';
import { type KubeObject, type ObjectId, displayId, getPath, idKey, objectId } from '../common/kube';
import { loadObjects, manifestFiles, parseManifests } from '../common/manifests';
import { run, runMain } from '../common/process';
import { explainFailure } from './explain';
import { type Target, UsageError, helm, kubectl, resolveTarget, startProgress } from './target';
import { adoptApplySet, finishApplySetMove } from './migrate';
import { previewDeploy } from './preview';

const RELEASE = 'k8s-sandbox';
const USAGE = `usage: npm run apply -- [DIR] [--timeout DURATION] [--no-rollback] [--confirm] [TARGET]
       npm run apply -- --dry-run [DIR] [TARGET]
       npm run apply -- history [TARGET]
       npm run apply -- rollback REVISION [--timeout DURATION] [TARGET]
  DIR                 a directory of manifests (default dist/)
  --timeout DURATION  how long to wait for every object to be healthy, e.g. 90s, 5m (default 5m)
  --no-rollback       leave a failed deploy in place instead of restoring the revision before it
  --dry-run           only show what the deploy would create, change and prune, field by field (every
                      deploy shows it first); changes nothing; exit 0 no changes, 1 changes, 2 error
  --confirm           ask on the terminal before deploying what the preview shows (default: no question)
  TARGET              --context NAME, --kubeconfig FILE, -n/--namespace NAME: as kubectl takes them`;

const OPTIONS = {
  context: { type: 'string' },
  kubeconfig: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  timeout: { type: 'string', default: '5m' },
  'no-rollback': { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  confirm: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

interface Revision {
  readonly revision: number;
  readonly status: string;
}

/** The command line as a request, or a UsageError saying what was wrong. */
export function parseCommand(argv: readonly string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    return { action: 'help' } as const;
  }
  const timeout = values.timeout;
  const match = /^(\d+)(s|m|h)$/.exec(timeout);
  if (!match || Number(match[1]) === 0) {
    throw new UsageError(`--timeout must be a positive whole number of s, m or h, e.g. 90s or 5m (got ${timeout})`);
  }
  const timeoutSeconds = Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'];
  const target = { context: values.context, kubeconfig: values.kubeconfig, namespace: values.namespace };
  if (values.confirm && (values['dry-run'] || !process.stdin.isTTY)) {
    const got = values['dry-run'] ? '--dry-run, which deploys nothing' : 'a standard input that is not a terminal';
    throw new UsageError(
      `--confirm must be given in a terminal, to a deploy (got ${got}); leave it out: CI and scripts deploy without asking`,
    );
  }
  const [first, ...rest] = positionals;
  if (first === 'history' || first === 'rollback') {
    const expected = first === 'history' ? 0 : 1;
    if (rest.length !== expected || (first === 'rollback' && !/^[1-9]\d*$/.test(rest[0] ?? ''))) {
      const what = first === 'history' ? 'no argument' : 'one revision number (see npm run apply -- history)';
      throw new UsageError(`${first} takes ${what} (got ${rest.length ? rest.join(' ') : 'none'})`);
    }
    return { action: first, revision: rest[0], timeoutSeconds, target } as const;
  }
  if (rest.length > 0) {
    throw new UsageError(`one directory at most (got ${positionals.join(' ')})`);
  }
  const dir = first ?? 'dist';
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) {
    const what = stat ? 'is a file, not a directory' : 'does not exist';
    throw new UsageError(`${dir} ${what}: name a directory of manifests (default dist/; run npm run synth first)`);
  }
  let objects;
  try {
    objects = loadObjects(manifestFiles(dir)).map((m) => m.object);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    action: 'deploy',
    dir,
    objects,
    noRollback: values['no-rollback'],
    dryRun: values['dry-run'],
    confirm: values.confirm,
    timeoutSeconds,
    target,
  } as const;
}

/** A chart that emits the files of `dir` unchanged, in a new temporary folder. */
function wrapInChart(dir: string, files: readonly string[]): string {
  const chart = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-sandbox-chart-'));
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
  return chart;
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

/** What the release's current revision holds, each where it went. */
async function releaseObjects(target: Target, helmBin: string): Promise<ObjectId[]> {
  const manifest = await helm(helmBin, target, ['get', 'manifest', RELEASE]);
  return parseManifests(manifest.stdout, `release ${RELEASE}`).map((object) => {
    const id = objectId(object);
    return { ...id, namespace: id.namespace || target.namespace };
  });
}

/**
 * Each bare Pod runs the images its spec names, and is Ready. An image changed in place is
 * applied by the kubelet after it has already reported the Pod Ready at the new generation
 * (with the old container still running), which kstatus, like Helm's waiter, takes as done; so
 * this waits until every container's status names the spec's image (as written, or normalized
 * as a container runtime reports it: docker.io/library/nginx:1.14.2), then with kubectl wait
 * until the Pod is Ready.
 */
async function waitForPodImages(
  target: Target,
  watchBin: string,
  pods: readonly { object: KubeObject; id: ObjectId }[],
  seconds: number,
  log: Logger,
) {
  const deadline = Date.now() + seconds * 1000;
  for (const { object, id } of pods) {
    const containers = (getPath(object, 'spec', 'containers') as { name: string; image: string }[] | undefined) ?? [];
    const normalized = (await run(watchBin, ['normalize-image', ...containers.map((c) => c.image)])).stdout
      .trim()
      .split('\n');
    // What the kubelet reports for each container, and whether that is the spec's image.
    let reported: (string | undefined)[] = [];
    const runsAll = () => containers.every((c, i) => reported[i] === c.image || reported[i] === normalized[i]);
    while (Date.now() < deadline) {
      const live = await kubectl(target, ['get', 'pod', id.name, '-n', id.namespace, '-o', 'json'], {
        okExitCodes: [1],
      });
      const statuses: { name: string; image: string }[] =
        live.code === 0 ? (JSON.parse(live.stdout).status?.containerStatuses ?? []) : [];
      reported = containers.map((c) => statuses.find((status) => status.name === c.name)?.image);
      if (runsAll()) {
        break;
      }
      await sleep(1000);
    }
    const ready = await kubectl(
      target,
      [
        'wait',
        `pod/${id.name}`,
        '-n',
        id.namespace,
        '--for=condition=Ready',
        `--timeout=${Math.max(1, Math.round((deadline - Date.now()) / 1000))}s`,
      ],
      { okExitCodes: [1] },
    );
    if (!runsAll() || ready.code !== 0) {
      const images = containers.map((c, i) => `${c.name} ${reported[i] ?? '(no status)'}`).join(', ');
      log(`${displayId(id)}: not running its images and Ready: the kubelet reports ${images}; ${ready.stderr.trim()}`);
      return false;
    }
    log(`${displayId(id)}: Current: runs ${containers.map((c) => c.image).join(', ')} and is Ready`);
  }
  return true;
}

/** Each Service with a selector has a ready endpoint (kubectl wait on its EndpointSlices). */
async function waitForEndpoints(target: Target, services: readonly ObjectId[], seconds: number, log: Logger) {
  for (const service of services) {
    const result = await kubectl(
      target,
      [
        'wait',
        'endpointslices',
        '-n',
        service.namespace,
        '-l',
        `kubernetes.io/service-name=${service.name}`,
        '--for=jsonpath={.endpoints[0].conditions.ready}=true',
        `--timeout=${seconds}s`,
      ],
      { okExitCodes: [1] },
    );
    if (result.code !== 0) {
      log(`${displayId(service)}: no ready endpoint: ${result.stderr.trim()}`);
      return false;
    }
    log(`${displayId(service)}: Current: has ready endpoints`);
  }
  return true;
}

type Logger = (line: string) => void;

async function deploy(request: Extract<ReturnType<typeof parseCommand>, { action: 'deploy' }>): Promise<number> {
  const started = Date.now();
  const log: Logger = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}`);
  const target = await resolveTarget(request.target);
  const [helmBin, watchBin] = [await goTool('helm', log), await goTool('kstatus-watch', log)];
  // Where kubectl would put each object: its own namespace, else the target's.
  const planned = request.objects.map((object) => {
    const id = objectId(object);
    return { object, id: { ...id, namespace: id.namespace || target.namespace } };
  });
  const ids = planned.map((p) => p.id);
  const pods = planned.filter(({ id }) => id.kind === 'Pod' && id.group === '');
  const services = planned
    .filter(({ object, id }) => id.kind === 'Service' && id.group === '' && getPath(object, 'spec', 'selector'))
    .map((p) => p.id);
  const before = await history(target, helmBin);
  const restorable = [...before].reverse().find((r) => r.status === 'deployed' || r.status === 'superseded');
  const migrating = await adoptApplySet(target, RELEASE, log);
  // What this deploy changes, before it acts (preview.ts); --dry-run stops there.
  const preview = await previewDeploy({
    ...request,
    target,
    helmBin,
    release: RELEASE,
    forceConflicts: migrating,
    log,
  });
  if (!preview.proceed) {
    return preview.exitCode;
  }
  log(
    `deploying ${request.objects.length} objects of ${request.dir} as release ${RELEASE} in namespace ${target.namespace}` +
      `${target.context ? ` of context ${target.context}` : ''}` +
      `${restorable ? ` (now at revision ${restorable.revision})` : ' (first deploy)'}; timeout ${request.timeoutSeconds}s`,
  );
  const previous = restorable ? await releaseObjects(target, helmBin) : [];
  const chart = wrapInChart(request.dir, manifestFiles(request.dir));
  const progress = startProgress(watchBin, target, ids, log);
  try {
    const upgrade = await helm(
      helmBin,
      target,
      [
        'upgrade',
        '--install',
        RELEASE,
        chart,
        '--wait=watcher',
        `--timeout=${request.timeoutSeconds}s`,
        // Adopt the ApplySet's objects, and win over kubectl's field ownership of them, as a
        // kubectl apply of the same manifests would (migrate.ts).
        ...(migrating ? ['--take-ownership', '--force-conflicts'] : []),
      ],
      { okExitCodes: [1] },
    );
    const remaining = Math.max(1, request.timeoutSeconds - Math.round((Date.now() - started) / 1000));
    if (
      upgrade.code === 0 &&
      (await waitForPodImages(target, watchBin, pods, remaining, log)) &&
      (await waitForEndpoints(target, services, remaining, log))
    ) {
      if (migrating) {
        await finishApplySetMove(target, ids, log);
      }
      const kept = new Set(ids.map(idKey));
      for (const id of previous.filter((p) => !kept.has(idKey(p)))) {
        log(`${displayId(id)}: pruned (no longer in the manifests)`);
      }
      const after = await history(target, helmBin);
      log(`deployed: revision ${after.at(-1)?.revision}, all ${ids.length} objects healthy`);
      return 0;
    }
    // Helm logs the error once as a slog line and once as "Error: ...": keep the second.
    const helmError = upgrade.stderr
      .split('\n')
      .filter((line) => !line.startsWith('level='))
      .join('\n')
      .trim();
    const why = upgrade.code === 0 ? 'a Pod or Service is not ready (above)' : helmError;
    log(`FAILED: ${why}`);
    for (const line of await explainFailure(target, ids, started, progress.latest())) {
      console.log(line);
    }
    if (request.noRollback) {
      log(`left as it is (--no-rollback); npm run apply -- history lists the revisions to roll back to`);
    } else if (restorable) {
      log(`restoring revision ${restorable.revision}, which ran before (helm rollback)`);
      const rollback = await helm(
        helmBin,
        target,
        ['rollback', RELEASE, String(restorable.revision), '--wait=watcher', `--timeout=${request.timeoutSeconds}s`],
        { okExitCodes: [1] },
      );
      log(
        rollback.code === 0
          ? `restored revision ${restorable.revision}`
          : `restoring revision ${restorable.revision} FAILED: ${rollback.stderr.trim()}`,
      );
    } else {
      log(`no earlier revision to restore: this was the first deploy (npm run apply -- history)`);
    }
    return 1;
  } finally {
    progress.stop();
    fs.rmSync(chart, { recursive: true, force: true });
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const request = parseCommand(argv);
  if (request.action === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (request.action === 'deploy') {
    return deploy(request);
  }
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

if (require.main === module) {
  runMain('npm run apply', async () => {
    try {
      return await main(process.argv.slice(2));
    } catch (error) {
      if (error instanceof UsageError) {
        console.error(`npm run apply: ${error.message}\n${USAGE}`);
        return 2;
      }
      // A dry run that fails exits 2, apart from 1, which says it found changes.
      if (process.argv.includes('--dry-run')) {
        console.error(`npm run apply: ${(error as Error).message}`);
        return 2;
      }
      throw error;
    }
  });
}
