// `npm run bench`: how fast synth and the tests are, against the project's speed goals. It prints
// its results as Markdown and writes them into docs/benchmarks.md, each part between its markers
// (kit/lab/bench/bench-doc.ts); `--print` only prints. Commands that are compared run in turn (A, B,
// A, B, ...) after one warm-up each, so that background load hits both alike; the tables give
// medians. Then `npm run check` on the app's manifests, gate by gate, the unit suite, and a scale
// app synthesizing 10, 100 and 1000 construct pairs, beside a control app (cdk8s-scale-app.ts)
// that builds the same objects from cdk8s-plus-27 alone.
// Options: --runs N (default 7), --scale-runs N (default 3), --skip-scale (the page's scale block
// stays as it was), --print, --app 'COMMAND' to measure another app command than cdk8s.yaml's (it
// must end in main.ts), and --scale-app FILE, the app's file that synthesizes $PAIRS pairs in the
// shape $SHAPE and prints its peak memory as its last line of JSON (`npm run bench` gives
// apps/scale-app.ts), run as the app command runs main.ts.
// Benchmarks only: nothing in `npm test` depends on these numbers.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const YAML = require('yaml');
// The tables and the page's blocks (bench-doc.ts) are TypeScript: loaded through the require hook.
require('../../pkg/loader/ts-register.js');
const { BENCHMARKS_DOC, benchBlocks, writeBenchBlocks } = require('./bench-doc.ts');
const { median, thisMachine } = require('./measure.ts');
const { cdk8sTemplate } = require('./cdk8s-template.ts');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
const JEST = path.join(ROOT, 'node_modules', '.bin', 'jest');

// The cheapest apps the cdk8s CLI can run: each writes one empty manifest and nothing else.
const FLOOR_APP_NODE =
  "node -e \"const fs = require('fs'); fs.mkdirSync(process.env.CDK8S_OUTDIR, { recursive: true }); " +
  "fs.writeFileSync(process.env.CDK8S_OUTDIR + '/empty.k8s.yaml', '')\"";
const FLOOR_APP_SH = 'mkdir -p "$CDK8S_OUTDIR" && : > "$CDK8S_OUTDIR/empty.k8s.yaml"';

/** Says what was wrong with the command line, for exit 2; returns undefined. */
function refuse(message) {
  console.error(`npm run bench: ${message}`);
  process.exitCode = 2;
  return undefined;
}

/** The options; undefined when they are refused (exit 2, nothing measured). */
function readOptions() {
  let values;
  try {
    values = parseArgs({
      options: {
        runs: { type: 'string', default: '7' },
        'scale-runs': { type: 'string', default: '3' },
        'skip-scale': { type: 'boolean', default: false },
        print: { type: 'boolean', default: false },
        app: { type: 'string' },
        'scale-app': { type: 'string' },
      },
    }).values;
  } catch (error) {
    return refuse(error.message);
  }
  if (!values['skip-scale'] && values['scale-app'] === undefined) {
    return refuse('give --scale-app FILE (the app file that synthesizes $PAIRS pairs) or --skip-scale');
  }
  for (const name of ['runs', 'scale-runs']) {
    if (!/^[1-9][0-9]*$/.test(values[name])) {
      return refuse(`--${name} must be a whole number of runs, 1 or more; received ${JSON.stringify(values[name])}`);
    }
  }
  return values;
}

const OPTIONS = readOptions();
const RUNS = Number(OPTIONS?.runs);
const SCALE_RUNS = Number(OPTIONS?.['scale-runs']);
const APP = OPTIONS?.app ?? YAML.parse(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')).app;
/** The run's scratch folder, made when the options are good and removed however the run ends. */
let SCRATCH;

/** Runs a command to completion; returns its wall time in ms and its output. Throws if it fails. */
function run({ command, args = [], env = {}, shell = false, mayFail = false, cwd = ROOT }) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    shell,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error; // for example kubectl not on PATH
  if (result.status !== 0 && !mayFail) {
    const shown = [command, ...args].join(' ');
    throw new Error(`bench: "${shown}" exited ${result.status ?? result.signal}:\n${result.stderr}${result.stdout}`);
  }
  return { ms, stdout: result.stdout, stderr: result.stderr };
}

function progress(text) {
  process.stderr.write(`\r${text}`.padEnd(70));
}

/** Times `commands` in turn, RUNS rounds after one warm-up round; returns each one's median ms. */
function alternate(label, commands) {
  const times = commands.map(() => []);
  for (let round = 0; round <= RUNS; round++) {
    progress(`${label}: ${round === 0 ? 'warm-up' : `round ${round} of ${RUNS}`}`);
    commands.forEach((command, i) => {
      const { ms } = run(command);
      if (round > 0) times[i].push(ms);
    });
  }
  return times.map(median);
}

function benchSynth() {
  // The app against the CLI's floor without the gates, which the first row times on their own.
  const synth = (app, ...more) => ({
    command: CDK8S,
    args: ['synth', '--check-upgrade=false', '--output', path.join(SCRATCH, 'synth'), '--app', app, ...more],
  });
  const [validated, user, floorNode, floorSh] = alternate('cdk8s synth and its floor', [
    synth(APP),
    synth(APP, '--no-validate'),
    synth(FLOOR_APP_NODE, '--no-validate'),
    synth(FLOOR_APP_SH, '--no-validate'),
  ]);
  return [
    {
      a: "`cdk8s synth`, the kit's gates with it (cdk8s.yaml's `validations:`)",
      b: '`cdk8s synth --no-validate`',
      aMs: validated,
      bMs: user,
      maxRatio: 1.5,
    },
    {
      a: '`cdk8s synth --no-validate`',
      b: 'same CLI, app `node -e` writing one empty manifest',
      aMs: user,
      bMs: floorNode,
      maxRatio: 1.15,
    },
    {
      a: '`cdk8s synth --no-validate`',
      b: 'same CLI, app `sh -c` writing one empty manifest',
      aMs: user,
      bMs: floorSh,
    },
  ];
}

function benchApp() {
  const outdir = path.join(SCRATCH, 'app');
  const app = { command: APP, shell: true, env: { CDK8S_OUTDIR: outdir } };
  run(app);
  // kustomize reads only files inside its own directory: copy the manifests next to the kustomization.
  const kustomizeDir = path.join(SCRATCH, 'kustomize');
  fs.mkdirSync(kustomizeDir, { recursive: true });
  const manifests = fs.readdirSync(outdir).filter((file) => file.endsWith('.k8s.yaml'));
  manifests.forEach((file) => fs.copyFileSync(path.join(outdir, file), path.join(kustomizeDir, file)));
  fs.writeFileSync(path.join(kustomizeDir, 'kustomization.yaml'), YAML.stringify({ resources: manifests }));

  const [appMs, kustomizeMs] = alternate('app command and kubectl kustomize', [
    app,
    { command: 'kubectl', args: ['kustomize', kustomizeDir] },
  ]);
  return [
    {
      a: `app command \`${APP}\``,
      b: `\`kubectl kustomize\` of its ${manifests.length} files`,
      aMs: appMs,
      bMs: kustomizeMs,
      maxRatio: 3,
    },
  ];
}

/**
 * `npm run check` on the app's manifests (written by benchApp): the whole process, and each gate's
 * own time as the check prints it. The gates run at once, so the check takes about as long as its
 * slowest gate: the api-server gate (the API server's Go validation) must not be the one that
 * makes it slower by more than 30% (judged in bench-doc.ts).
 */
function benchCheck() {
  const dir = path.join(SCRATCH, 'app');
  const check = {
    command: process.execPath,
    args: ['kit/cmd/sandbox-kit.js', 'check', dir],
  };
  run(check); // builds the Go tools if the cache lacks them, before anything is timed
  const wall = [];
  const gates = new Map();
  for (let round = 0; round <= RUNS; round++) {
    progress(`npm run check: ${round === 0 ? 'warm-up' : `round ${round} of ${RUNS}`}`);
    const result = run(check);
    if (round === 0) continue;
    wall.push(result.ms);
    for (const [, gate, gateMs] of result.stderr.matchAll(/^check: (.+): ok \((\d+) ms\)$/gm)) {
      gates.set(gate, [...(gates.get(gate) ?? []), Number(gateMs)]);
    }
  }
  return { wallMs: median(wall), gates: [...gates].map(([gate, times]) => ({ gate, ms: median(times) })) };
}

/**
 * The loop after an edit of lib/: this app's `npm test` (type check, lint, the app's tests) against
 * `npm run build` (tsc, jest, cdk8s synth) of a fresh `cdk8s init typescript-app` project, each
 * right after a one-line edit of its source (lib/index.ts here, main.ts in the template), as after
 * a save: their caches see a change.
 */
function benchInnerLoop() {
  // Both edited in copies, their node_modules linked: neither the checkout nor the template is touched.
  const copy = (from, to) => {
    const skipped = new Set(['node_modules', 'dist', '.git', 'test-results']);
    fs.cpSync(from, to, { recursive: true, filter: (source) => !skipped.has(path.relative(from, source)) });
    fs.symlinkSync(path.join(from, 'node_modules'), path.join(to, 'node_modules'));
    return to;
  };
  const app = copy(ROOT, path.join(SCRATCH, 'inner-loop'));
  const template = copy(cdk8sTemplate(), path.join(SCRATCH, 'cdk8s-app'));
  const templateTmp = fs.mkdtempSync(path.join(SCRATCH, 'tmp-'));
  const edited = (file, command) => `printf '\\n// an edit\\n' >> ${file} && ${command}`;
  const [appMs, templateMs] = alternate("npm test after an edit, and the template's build", [
    { command: edited('lib/index.ts', 'npm test --silent'), shell: true, cwd: app },
    // cdk8s's Testing.app() in the template's test leaves a cdk8s.outdir.* folder in TMPDIR each run.
    { command: edited('main.ts', 'npm run build --silent'), shell: true, cwd: template, env: { TMPDIR: templateTmp } },
  ]);
  return [
    {
      a: '`npm test` after an edit of lib/ (the app: type check, lint, tests)',
      b: '`npm run build` of a new `cdk8s init typescript-app` after an edit of main.ts (tsc, jest, synth)',
      aMs: appMs,
      bMs: templateMs,
      maxRatio: 2,
    },
  ];
}

function benchJest() {
  // A failing test takes as long as a passing one; the summary says whether any failed.
  const unit = ['--selectProjects', 'app'];
  const jest = { command: process.execPath, args: [JEST, ...unit], mayFail: true };
  const [wall, npxWall] = alternate('jest', [jest, { command: 'npx', args: ['jest', ...unit], mayFail: true }]);
  const { stderr } = run(jest);
  const reported = /^Time:\s+([\d.]+) s/m.exec(stderr);
  const suites = /^Test Suites:\s+(.*)$/m.exec(stderr);
  return {
    suites: suites ? suites[1] : '?',
    suite: [
      { name: '`node_modules/.bin/jest`, wall time of the process', ms: wall },
      { name: '`npx jest`, the same plus npx start-up', ms: npxWall },
      { name: "jest's own `Time:` line (one more run)", ms: reported ? Number(reported[1]) * 1000 : NaN },
    ],
  };
}

// The control for the scale runs: the same objects per pair from cdk8s-plus-27 alone.
const CDK8S_SCALE_APP = path.relative(ROOT, path.join(__dirname, 'cdk8s-scale-app.ts'));

/**
 * Synthesizes 10, 100 and 1000 pairs in each shape, with the scale app and with the control,
 * in turn; returns a row per shape and count with both medians and the sandbox's peak memory.
 */
function benchScale() {
  const appCommand = (file) => {
    const command = APP.replace(/\bmain\.ts$/, file);
    if (command === APP) throw new Error(`bench: cdk8s.yaml's app does not end in main.ts: ${APP}`);
    return command;
  };
  const apps = [appCommand(OPTIONS['scale-app']), appCommand(CDK8S_SCALE_APP)];
  const synthPairs = (command, shape, pairs) => {
    const env = { PAIRS: String(pairs), SHAPE: shape, CDK8S_OUTDIR: path.join(SCRATCH, 'scale') };
    fs.rmSync(env.CDK8S_OUTDIR, { recursive: true, force: true });
    const result = run({ command, shell: true, env });
    return { ms: result.ms, maxRssKiB: JSON.parse(result.stdout.trim().split('\n').pop()).maxRssKiB };
  };
  const rows = [];
  for (const shape of ['chart-per-pair', 'one-chart']) {
    progress(`scale, ${shape}: warm-up`);
    apps.forEach((command) => synthPairs(command, shape, 1));
    for (const pairs of [10, 100, 1000]) {
      const times = apps.map(() => []);
      let maxRssKiB = 0;
      for (let i = 0; i < SCALE_RUNS; i++) {
        progress(`scale, ${shape}: ${pairs} pairs, run ${i + 1} of ${SCALE_RUNS}`);
        apps.forEach((command, app) => {
          const result = synthPairs(command, shape, pairs);
          times[app].push(result.ms);
          if (app === 0) maxRssKiB = Math.max(maxRssKiB, result.maxRssKiB);
        });
      }
      const [wall, control] = times.map(median);
      const previous = rows.length > 0 && rows[rows.length - 1].shape === shape ? rows[rows.length - 1] : undefined;
      const perPair = (value, before) => (previous ? (value - before) / (pairs - previous.pairs) : NaN);
      rows.push({
        shape,
        pairs,
        wall,
        control,
        perPair: perPair(wall, previous?.wall),
        controlPerPair: perPair(control, previous?.control),
        maxRssMiB: maxRssKiB / 1024,
        previous,
      });
    }
  }
  return rows;
}

/** The 1-, 5- and 15-minute load averages. */
const load = () => os.loadavg();

/**
 * The command line of this run as a user types it: `npm run bench` and what was added after `--`
 * when npm ran it, else the node command.
 */
function commandLine() {
  const quote = (arg) => (/^[\w./=:@-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);
  const own = ['node', 'kit/lab/bench/bench.js', ...process.argv.slice(2).map(quote)].join(' ');
  const script = process.env.npm_lifecycle_event === 'bench' ? process.env.npm_lifecycle_script : undefined;
  if (script && own.startsWith(script)) {
    const added = own.slice(script.length).trim();
    return added ? `npm run bench -- ${added}` : 'npm run bench';
  }
  return own;
}

/** Times a part of the run; returns what it measured with when, where and under what load. */
function measure(runs, part) {
  const loadBefore = load();
  const startedMs = Date.now();
  const result = part();
  return {
    seconds: Math.round((Date.now() - startedMs) / 1000),
    date: new Date().toISOString().slice(0, 10),
    machine: thisMachine(),
    runs,
    loadBefore,
    loadAfter: load(),
    extraCaCerts: process.env.NODE_EXTRA_CA_CERTS,
    command: commandLine(),
    ...result,
  };
}

async function main() {
  const results = {
    bench: measure(RUNS, () => ({
      comparisons: [...benchSynth(), ...benchApp(), ...benchInnerLoop()],
      ...benchJest(),
    })),
    check: measure(RUNS, () => ({ result: benchCheck() })),
    scale: OPTIONS['skip-scale'] ? undefined : measure(SCALE_RUNS, () => ({ rows: benchScale() })),
  };
  process.stderr.write('\n');
  const blocks = benchBlocks(results);
  console.log(blocks.map(([, markdown]) => markdown).join('\n\n'));
  if (OPTIONS.print) return;
  await writeBenchBlocks(BENCHMARKS_DOC, blocks);
  const doc = path.relative(process.cwd(), BENCHMARKS_DOC);
  console.error(`npm run bench: wrote ${blocks.map(([name]) => name).join(', ')} into ${doc}`);
}

/** Runs the bench; the scratch folder goes whether it ends, fails (a failing --app) or is interrupted. */
async function start() {
  SCRATCH = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-sandbox-bench-'));
  const removeScratch = () => fs.rmSync(SCRATCH, { recursive: true, force: true });
  const onSignal = (signal) => {
    removeScratch();
    process.kill(process.pid, signal); // ends as the signal would have, without this handler
  };
  const signals = ['SIGINT', 'SIGTERM'];
  signals.forEach((signal) => process.once(signal, onSignal));
  try {
    await main();
  } catch (error) {
    console.error(`\n${error.message}`); // after the unfinished progress line
    process.exitCode = 1;
  } finally {
    removeScratch();
    signals.forEach((signal) => process.removeListener(signal, onSignal));
  }
}

if (OPTIONS !== undefined) start();
