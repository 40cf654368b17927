// `npm run bench`: how fast synth and the tests are, against the goals of issue 4, printed as the
// Markdown tables kept in docs/benchmarks.md. Commands that are compared run in turn (A, B, A,
// B, ...) after one warm-up each, so that background load hits both alike; the tables give
// medians. Then the unit suite, and the app synthesizing 10, 100 and 1000 construct pairs.
// Options: --runs N (default 7), --scale-runs N (default 3), --skip-scale, and --app 'COMMAND'
// to measure another app command than cdk8s.yaml's (it must end in main.ts).
// Benchmarks only: nothing in `npm test` depends on these numbers.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const YAML = require('yaml');

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
    },
  }).values;
} catch (error) {
  console.error(`npm run bench: ${error.message}`);
  process.exit(2);
}
const RUNS = Number(OPTIONS.runs);
const SCALE_RUNS = Number(OPTIONS['scale-runs']);
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

function benchScale() {
  const scaleApp = APP.replace(/\bmain\.ts$/, 'tools/bench/scale-app.ts');
  if (scaleApp === APP) throw new Error(`bench: cdk8s.yaml's app does not end in main.ts: ${APP}`);
  const synthPairs = (shape, pairs) => {
    const env = { PAIRS: String(pairs), SHAPE: shape, CDK8S_OUTDIR: path.join(SCRATCH, 'scale') };
    fs.rmSync(env.CDK8S_OUTDIR, { recursive: true, force: true });
    const result = run({ command: scaleApp, shell: true, env });
    return { ms: result.ms, maxRssKiB: JSON.parse(result.stdout.trim().split('\n').pop()).maxRssKiB };
  };
  const rows = [];
  for (const shape of ['chart-per-pair', 'one-chart']) {
    progress(`scale, ${shape}: warm-up`);
    synthPairs(shape, 1);
    for (const pairs of [10, 100, 1000]) {
      const times = [];
      let maxRssKiB = 0;
      for (let i = 0; i < SCALE_RUNS; i++) {
        progress(`scale, ${shape}: ${pairs} pairs, run ${i + 1} of ${SCALE_RUNS}`);
        const result = synthPairs(shape, pairs);
        times.push(result.ms);
        maxRssKiB = Math.max(maxRssKiB, result.maxRssKiB);
      }
      const previous = rows.length > 0 && rows[rows.length - 1].shape === shape ? rows[rows.length - 1] : undefined;
      const wall = median(times);
      const perPair = previous ? (wall - previous.wall) / (pairs - previous.pairs) : NaN;
      rows.push({ shape, pairs, wall, perPair, maxRssMiB: maxRssKiB / 1024, previous });
    }
  }
  return rows;
}

/** `align` has one letter per column: l for text, r for numbers. */
function printTable(align, header, rows) {
  console.log(`\n| ${header.join(' | ')} |`);
  console.log(`| ${[...align].map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`);
  rows.forEach((row) => console.log(`| ${row.join(' | ')} |`));
}

function main() {
  const cpus = os.cpus();
  const loadBefore = os.loadavg()[0];
  const comparisons = [...benchSynth(), ...benchApp()];
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
    [`unit and snapshot suite (suites: ${jest.suites})`, 'median', 'goal'],
    jest.rows.map(([name, value]) => [name, ms(value), goal('< 2 s', value < 2000)]),
  );
  if (scale.length > 0) {
    printTable(
      'lrrrrl',
      [
        'scale: app command, FibClient + NginxDeployment pairs',
        'pairs',
        'median',
        'ms per added pair',
        'peak RSS',
        'goal',
      ],
      scale.map((row) => {
        let verdict = '';
        if (row.pairs === 1000) {
          // Linear: a pair costs no more from 100 to 1000 pairs than from 10 to 100 (+50% for noise).
          const missed = [
            row.perPair > 1.5 * row.previous.perPair && 'not linear',
            row.wall >= 2000 && 'not < 2 s',
            row.maxRssMiB >= 400 && 'not < 400 MiB',
          ].filter(Boolean);
          verdict = `linear, < 2 s, < 400 MiB: ${missed.length === 0 ? 'pass' : `FAIL (${missed.join(', ')})`}`;
        }
        const perPair = Number.isFinite(row.perPair) ? row.perPair.toFixed(2) : '-';
        return [row.shape, row.pairs, ms(row.wall), perPair, `${Math.round(row.maxRssMiB)} MiB`, verdict];
      }),
    );
  }
  fs.rmSync(SCRATCH, { recursive: true, force: true });
}

main();
