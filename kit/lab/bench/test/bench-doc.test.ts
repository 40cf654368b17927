// What `npm run bench` writes into docs/benchmarks.md: each block it measured, between its
// markers, with the goals judged; the rest of the page, and a block it did not measure, as they were.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  BENCHMARKS_DOC,
  BLOCKS,
  type BenchResults,
  type Measured,
  type ScaleRow,
  benchBlocks,
  scaleVerdict,
  writeBenchBlocks,
} from '../bench-doc';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-sandbox-bench-doc-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const measured: Measured = {
  date: '2031-01-02',
  machine: '2 x Test CPU, 8 GiB, Linux 6.1.0, Node v20.0.0',
  runs: 7,
  seconds: 95,
  loadBefore: [0.5, 0.25, 0.125],
  loadAfter: [1.5, 1, 0.75],
  extraCaCerts: undefined,
  command: 'npm run bench -- --skip-scale',
};

/** `checkMs` is the api-server gate's median beside a slowest other gate of 1000 ms. */
const results = (checkMs = 1234): BenchResults => ({
  bench: {
    ...measured,
    comparisons: [
      { a: '`cdk8s synth`', b: 'floor', aMs: 1200, bMs: 1000, maxRatio: 1.15 },
      { a: 'app', b: 'kustomize', aMs: 300, bMs: 100, maxRatio: 3 },
      { a: '`cdk8s synth`', b: 'sh floor', aMs: 1200, bMs: 900 },
    ],
    suites: '3 passed, 3 total',
    suite: [{ name: 'jest', ms: 1999 }],
  },
  check: {
    ...measured,
    result: {
      wallMs: 2500,
      gates: [
        { gate: 'schema 1.27.0', ms: 1000 },
        { gate: 'api-server 1.34.4', ms: checkMs },
      ],
    },
  },
});

/** The page with each block's content replaced by its name: what no run may change. */
const outsideBlocks = (page: string) =>
  BLOCKS.reduce(
    (text, name) => text.replace(new RegExp(`(<!-- ${name}:begin -->)[^]*?(<!-- ${name}:end -->)`), `$1${name}$2`),
    page,
  );
const block = (page: string, name: string) =>
  new RegExp(`<!-- ${name}:begin -->([^]*?)<!-- ${name}:end -->`).exec(page)?.[1] ?? '';

test('the run writes the blocks it measured into a copy of the page and leaves the rest as it was', async () => {
  const doc = path.join(dir, 'benchmarks.md');
  fs.copyFileSync(BENCHMARKS_DOC, doc);
  const before = fs.readFileSync(doc, 'utf8');

  await writeBenchBlocks(doc, benchBlocks(results()));

  const after = fs.readFileSync(doc, 'utf8');
  expect(outsideBlocks(after)).toBe(outsideBlocks(before));
  expect(block(after, 'bench-scale')).toBe(block(before, 'bench-scale'));
  const bench = block(after, 'bench');
  expect(bench).toContain(
    'Measured on 2031-01-02 on 2 x Test CPU, 8 GiB, Linux 6.1.0, Node v20.0.0; medians of 7 runs after a warm-up, ' +
      'the commands compared in turn; this part of the run took 95 s. 1-, 5- and 15-minute load averages: 0.50, 0.25, 0.13 before, 1.50, 1.00, 0.75 after. ' +
      'Command: `npm run bench -- --skip-scale`.',
  );
  expect(bench).toMatch(/^\| `cdk8s synth` +\| floor +\| 1200 ms \| 1000 ms \| 1.20x \| <= 1.15x: FAIL +\|$/m);
  expect(bench).toMatch(/^\| app +\| kustomize +\| +300 ms \| +100 ms \| 3.00x \| <= 3x: pass +\|$/m);
  expect(bench).toMatch(/^\| `cdk8s synth` +\| sh floor +\| 1200 ms \| +900 ms \| 1.33x \| reference +\|$/m);
  expect(bench).toMatch(/^\| jest +\| 1999 ms \| < 2 s: pass \|$/m);
  expect(bench).toContain('unit and snapshot suite (suites: 3 passed, 3 total)');
  expect(block(after, 'bench-check')).toMatch(
    /^\| gate `api-server 1.34.4` +\| 1234 ms \| <= 1.3x the slowest other gate: pass \|$/m,
  );
  // Formatting the whole page with prettier takes seconds on a busy machine (CI's Go builds run beside it).
}, 30_000);

test('a page without a block is refused and left as it was', async () => {
  const doc = path.join(dir, 'benchmarks.md');
  fs.writeFileSync(doc, '# Benchmarks\n\n<!-- bench:begin -->\n\nold\n\n<!-- bench:end -->\n');
  await expect(writeBenchBlocks(doc, benchBlocks(results()).slice(1))).rejects.toThrow(
    `${doc} has no block <!-- bench-check:begin --> … <!-- bench-check:end --> to write the results into`,
  );
  expect(fs.readFileSync(doc, 'utf8')).toBe('# Benchmarks\n\n<!-- bench:begin -->\n\nold\n\n<!-- bench:end -->\n');
});

test.each([
  [1300, 'pass'],
  [1301, 'FAIL'],
])('an api-server gate of %i ms beside a slowest other gate of 1000 ms: %s', (checkMs, verdict) => {
  const check = benchBlocks(results(checkMs)).find(([name]) => name === 'bench-check')?.[1];
  expect(check).toContain(`| <= 1.3x the slowest other gate: ${verdict} |`);
});

test('the scale block is written only when the scale ran, with its verdict at 1000 pairs', () => {
  expect(benchBlocks(results()).map(([name]) => name)).toEqual(['bench', 'bench-check']);
  const row100: ScaleRow = {
    shape: 'one-chart',
    pairs: 100,
    wall: 500,
    control: 400,
    perPair: 3,
    controlPerPair: 2,
    maxRssMiB: 100,
  };
  const row1000: ScaleRow = {
    shape: 'one-chart',
    pairs: 1000,
    wall: 3500,
    control: 2400,
    perPair: 3.33,
    controlPerPair: 2.22,
    maxRssMiB: 200,
    previous: row100,
  };
  const blocks = benchBlocks({ ...results(), scale: { ...measured, runs: 3, rows: [row100, row1000] } });
  expect(blocks.map(([name]) => name)).toEqual(['bench', 'bench-check', 'bench-scale']);
  expect(blocks[2]?.[1]).toContain('| one-chart | 1000 | 3500 ms | 2400 ms | 1.46x | 3.33 (2.22) | 200 MiB |');
  expect(scaleVerdict(row1000)).toBe('linear or as cdk8s alone, < 2 s, < 400 MiB: FAIL (not < 2 s)');
  expect(scaleVerdict({ ...row1000, wall: 1900, perPair: 6, controlPerPair: 2.5 })).toBe(
    'linear or as cdk8s alone, < 2 s, < 400 MiB: FAIL (grows faster than cdk8s alone)',
  );
  expect(scaleVerdict({ ...row1000, wall: 1900 })).toBe('linear or as cdk8s alone, < 2 s, < 400 MiB: pass');
});

test.each(BLOCKS)('docs/benchmarks.md has the block %s that npm run bench writes', (name) => {
  const page = fs.readFileSync(BENCHMARKS_DOC, 'utf8');
  expect(page.indexOf(`<!-- ${name}:begin -->`)).toBeGreaterThan(-1);
  expect(page.indexOf(`<!-- ${name}:end -->`)).toBeGreaterThan(page.indexOf(`<!-- ${name}:begin -->`));
});
