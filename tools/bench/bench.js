// `npm run bench`: how fast synth and the tests are, against the project's speed goals, printed as the
// Markdown tables kept in docs/benchmarks.md. Commands that are compared run in turn (A, B, A,
// B, ...) after one warm-up each, so that background load hits both alike; the tables give
// medians. Then `npm run check` on the app's manifests, gate by gate, the unit suite, and a scale app synthesizing 10, 100 and 1000 construct pairs,
// beside a control app (cdk8s-scale-app.ts) that builds the same objects from cdk8s-plus-27 alone.
// Options: --runs N (default 7), --scale-runs N (default 3), --skip-scale, --app 'COMMAND'
// to measure another app command than cdk8s.yaml's (it must end in main.ts), and --scale-app FILE,
// the app's file that synthesizes $PAIRS pairs in the shape $SHAPE and prints its peak memory as
// its last line of JSON (`npm run bench` gives apps/scale-app.ts), run as the app command runs main.ts.
// Benchmarks only: nothing in `npm test` depends on these numbers.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const YAML = require('yaml');
// The toolkit's one Markdown table printer is TypeScript: loaded through the require hook.
require('../loader/ts-register.js');
const { markdownTable } = require('../common/markdown-table.ts');

const ROOT = path.resolve(__dirname, '..', '..');
const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
const JEST = path.join(ROOT, 'node_modules', '.bin', 'jest');

// The cheapest apps the cdk8s CLI can run: each writes one empty manifest and nothing else.
const FLOOR_APP_NODE =
  "node -e \"const fs = require('fs'); fs.mkdirSync(process.env.CDK8S_OUTDIR, { recursive: true }); " +
  "fs.writeFileSync(process.env.CDK8S_OUTDIR + '/empty.k8s.yaml', '')\"";
const FLOOR_APP_SH = 'mkdir -p "$CDK8S_OUTDIR" && : > "$CDK8S_OUTDIR/empty.k8s.yaml"';

let OPTIONS;
try {
  OPTIONS = parseArgs({
    options: {
      runs: { type: 'string', default: '7' },
      'scale-runs': { type: 'string', default: '3' },
      'skip-scale': { type: 'boolean', default: false },
      app: { type: 'string' },
      'scale-app': { type: 'string' },
    },
  }).values;
} catch (error) {
  console.error(`npm run bench: ${error.message}`);
  process.exit(2);
}
if (!OPTIONS['skip-scale'] && OPTIONS['scale-app'] === undefined) {
  console.error('npm run bench: give --scale-app FILE (the app file that synthesizes $PAIRS pairs) or --skip-scale');
  process.exit(2);
}
/** A count option: a whole number from 1 up, or exit 2 naming the option and the value received. */
function count(name) {
  const text = OPTIONS[name];
  if (!/^[1-9][0-9]*$/.test(text)) {
    console.error(
      `npm run bench: --${name} must be a whole number of runs, 1 or more; received ${JSON.stringify(text)}`,
    );
    process.exit(2);
  }
  return Number(text);
}
const RUNS = count('runs');
const SCALE_RUNS = count('scale-runs');
const APP = OPTIONS.app ?? YAML.parse(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')).app;
const SCRATCH = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-sandbox-bench-'));

/** Runs a command to completion; returns its wall time in ms and its output. Throws if it fails. */
function run({ command, args = [], env = {}, shell = false, mayFail = false }) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: ROOT,
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

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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

const ms = (value) => (Number.isFinite(value) ? `${Math.round(value)} ms` : '-');
const goal = (text, met) => `${text}: ${met ? 'pass' : 'FAIL'}`;

function benchSynth() {
  const synth = (app) => ({
    command: CDK8S,
    args: ['synth', '--check-upgrade=false', '--output', path.join(SCRATCH, 'synth'), '--app', app],
  });
  const [user, floorNode, floorSh] = alternate('cdk8s synth and its floor', [
    synth(APP),
    synth(FLOOR_APP_NODE),
    synth(FLOOR_APP_SH),
  ]);
  return [
    ['`cdk8s synth`', 'same CLI, app `node -e` writing one empty manifest', user, floorNode, 1.15],
    ['`cdk8s synth`', 'same CLI, app `sh -c` writing one empty manifest', user, floorSh, undefined],
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
  return [[`app command \`${APP}\``, `\`kubectl kustomize\` of its ${manifests.length} files`, appMs, kustomizeMs, 3]];
}

/**
 * `npm run check` on the app's manifests (written by benchApp): the whole process, and each gate's
 * own time as the check prints it. The gates run at once, so the check takes about as long as its
 * slowest gate: the api-server gate (the API server's Go validation) must not be the one that
 * makes it slower by more than 30%.
 */
function benchCheck() {
  const dir = path.join(SCRATCH, 'app');
  const check = {
    command: process.execPath,
    args: ['-r', './tools/loader/ts-register.js', 'tools/check/main.ts', dir],
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
  const medians = [...gates].map(([gate, times]) => [gate, median(times)]);
  const others = Math.max(...medians.filter(([gate]) => !gate.startsWith('api-server')).map(([, m]) => m));
  return [
    ['whole process (`node tools/check/main.ts`, as `npm run check` runs it)', median(wall), 'reference'],
    ...medians.map(([gate, value]) => [
      `gate \`${gate}\``,
      value,
      gate.startsWith('api-server') ? goal('<= 1.3x the slowest other gate', value <= 1.3 * others) : '',
    ]),
  ];
}

function benchJest() {
  // A failing test takes as long as a passing one; the summary says whether any failed.
  const unit = ['--selectProjects', 'unit'];
  const jest = { command: process.execPath, args: [JEST, ...unit], mayFail: true };
  const [wall, npxWall] = alternate('jest', [jest, { command: 'npx', args: ['jest', ...unit], mayFail: true }]);
  const { stderr } = run(jest);
  const reported = /^Time:\s+([\d.]+) s/m.exec(stderr);
  const suites = /^Test Suites:\s+(.*)$/m.exec(stderr);
  return {
    suites: suites ? suites[1] : '?',
    rows: [
      ['`node_modules/.bin/jest`, wall time of the process', wall],
      ['`npx jest`, the same plus npx start-up', npxWall],
      ["jest's own `Time:` line (one more run)", reported ? Number(reported[1]) * 1000 : NaN],
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

/**
 * The verdict of a scale row at 1000 pairs. Linear: a pair costs no more from 100 to 1000 pairs
 * than from 10 to 100, +50% for noise; where cdk8s alone is not linear either (chart-per-pair:
 * cdk8s validates and orders the whole app once per chart it writes), no less linear than cdk8s
 * alone, +50%.
 */
function scaleVerdict(row) {
  const growth = row.perPair / row.previous.perPair;
  const controlGrowth = row.controlPerPair / row.previous.controlPerPair;
  const linear = growth <= 1.5 || growth <= 1.5 * controlGrowth;
  const missed = [
    !linear && 'grows faster than cdk8s alone',
    row.wall >= 2000 && 'not < 2 s',
    row.maxRssMiB >= 400 && 'not < 400 MiB',
  ].filter(Boolean);
  return `linear or as cdk8s alone, < 2 s, < 400 MiB: ${missed.length === 0 ? 'pass' : `FAIL (${missed.join(', ')})`}`;
}

/** `align` has one letter per column: l for text, r for numbers. */
function printTable(align, header, rows) {
  console.log(`\n${markdownTable(header, rows, align)}`);
}

function main() {
  const cpus = os.cpus();
  const loadBefore = os.loadavg()[0];
  const comparisons = [...benchSynth(), ...benchApp()];
  const check = benchCheck();
  const jest = benchJest();
  const scale = OPTIONS['skip-scale'] ? [] : benchScale();
  const loadAfter = os.loadavg()[0];
  process.stderr.write('\n');

  console.log(
    `${cpus.length} x ${cpus[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, ` +
      `Node ${process.version}; medians of ${RUNS} runs after a warm-up (scale: of ${SCALE_RUNS} runs). ` +
      `1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after.`,
  );
  // Node reads these certificates at start-up, before any code runs: about 50 ms per process here.
  if (process.env.NODE_EXTRA_CA_CERTS) {
    console.log(`NODE_EXTRA_CA_CERTS is set (${process.env.NODE_EXTRA_CA_CERTS}): every node process loads it.`);
  }
  printTables(comparisons, check, jest, scale);
}

/** The results as the Markdown tables that docs/benchmarks.md keeps. */
function printTables(comparisons, check, jest, scale) {
  printTable(
    'llrrrl',
    ['command A', 'command B', 'A', 'B', 'A / B', 'goal'],
    comparisons.map(([a, b, aMs, bMs, max]) => [
      a,
      b,
      ms(aMs),
      ms(bMs),
      `${(aMs / bMs).toFixed(2)}x`,
      max ? goal(`<= ${max}x`, aMs / bMs <= max) : 'reference',
    ]),
  );
  printTable(
    'lrl',
    ["`npm run check` on the app's manifests", 'median', 'goal'],
    check.map(([name, value, verdict]) => [name, ms(value), verdict]),
  );
  printTable(
    'lrl',
    [`unit and snapshot suite (suites: ${jest.suites})`, 'median', 'goal'],
    jest.rows.map(([name, value]) => [name, ms(value), goal('< 2 s', value < 2000)]),
  );
  if (scale.length > 0) {
    const perPair = (value) => (Number.isFinite(value) ? value.toFixed(2) : '-');
    printTable(
      'lrrrrrrl',
      [
        'scale: app command, FibClient + NginxDeployment pairs',
        'pairs',
        'median',
        'cdk8s-plus alone',
        'ratio',
        'ms per added pair (alone)',
        'peak RSS',
        'goal',
      ],
      scale.map((row) => [
        row.shape,
        String(row.pairs),
        ms(row.wall),
        ms(row.control),
        `${(row.wall / row.control).toFixed(2)}x`,
        `${perPair(row.perPair)} (${perPair(row.controlPerPair)})`,
        `${Math.round(row.maxRssMiB)} MiB`,
        row.pairs === 1000 ? scaleVerdict(row) : '',
      ]),
    );
  }
}

// The scratch folder goes whether the run ends, fails (a failing --app) or is interrupted.
const removeScratch = () => fs.rmSync(SCRATCH, { recursive: true, force: true });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    removeScratch();
    process.kill(process.pid, signal);
  });
}
try {
  main();
} catch (error) {
  console.error(`\n${error.message}`); // after the unfinished progress line
  process.exitCode = 1;
} finally {
  removeScratch();
}
