// What `npm run bench` measured, as the Markdown blocks it prints and writes into
// docs/benchmarks.md between markers (kit/pkg/common/doc-block.ts): `bench` (synth, the app command
// and the unit suite), `bench-check` (`npm run check` gate by gate) and `bench-scale` (the scale
// app beside cdk8s-plus alone). Each block says when, on what machine, under what load and by
// which command it was measured, so a block left from an earlier run (`--skip-scale` leaves
// `bench-scale` as it was) still reads on its own. The goals are judged here, beside the tables.
import * as path from 'node:path';
import { writeDocBlock } from '../../pkg/common/doc-block';
import { markdownTable } from '../../pkg/common/markdown-table';

export const BENCHMARKS_DOC = path.resolve(__dirname, '../../../docs/benchmarks.md');

/** Where and how a part of the run was measured: the first line of its block. */
export interface Measured {
  /** The day, YYYY-MM-DD. */
  readonly date: string;
  /** CPUs, memory, kernel and Node, e.g. `2 x AMD EPYC, 24 GiB, Linux 6.18.44, Node v20.20.2`. */
  readonly machine: string;
  /** How many runs each median is of. */
  readonly runs: number;
  /** How long this part of the run took, warm-ups included. */
  readonly seconds: number;
  /** The 1-, 5- and 15-minute load averages when this part started, and when it ended. */
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  /** NODE_EXTRA_CA_CERTS, which every node process reads at start-up, when it is set. */
  readonly extraCaCerts?: string | undefined;
  /** The command line that measured it, e.g. `npm run bench`. */
  readonly command: string;
}

/** Two commands timed in turn; `maxRatio` is the goal for A / B, none for a reference row. */
export interface Comparison {
  readonly a: string;
  readonly b: string;
  readonly aMs: number;
  readonly bMs: number;
  readonly maxRatio?: number | undefined;
}

export interface SuiteRow {
  readonly name: string;
  readonly ms: number;
}

/** `npm run check`: the whole process, then each gate's median as the check prints it. */
export interface CheckResult {
  readonly wallMs: number;
  readonly gates: readonly { readonly gate: string; readonly ms: number }[];
}

export interface ScaleRow {
  readonly shape: string;
  readonly pairs: number;
  /** Medians: the scale app, and cdk8s-plus alone building the same objects. */
  readonly wall: number;
  readonly control: number;
  /** ms per pair added since the previous row of the same shape (NaN for the first). */
  readonly perPair: number;
  readonly controlPerPair: number;
  readonly maxRssMiB: number;
  /** The previous row of the same shape, if any. */
  readonly previous?: ScaleRow | undefined;
}

export interface BenchResults {
  readonly bench: Measured & {
    readonly comparisons: readonly Comparison[];
    readonly suites: string;
    readonly suite: readonly SuiteRow[];
  };
  readonly check: Measured & { readonly result: CheckResult };
  /** Absent when the run left out the scale runs. */
  readonly scale?: (Measured & { readonly rows: readonly ScaleRow[] }) | undefined;
}

export const BLOCKS = ['bench', 'bench-check', 'bench-scale'] as const;
export type BlockName = (typeof BLOCKS)[number];

const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : '-');
const goal = (text: string, met: boolean) => `${text}: ${met ? 'pass' : 'FAIL'}`;
const loads = (values: readonly number[]) => values.map((load) => load.toFixed(2)).join(', ');

function measuredLine(measured: Measured, inTurn: string): string {
  const certs = measured.extraCaCerts
    ? ` NODE_EXTRA_CA_CERTS is set (${measured.extraCaCerts}): every node process loads it.`
    : '';
  return (
    `Measured on ${measured.date} on ${measured.machine}; medians of ${measured.runs} run${measured.runs === 1 ? '' : 's'} after a warm-up${inTurn}; ` +
    `this part of the run took ${measured.seconds} s. ` +
    `1-, 5- and 15-minute load averages: ${loads(measured.loadBefore)} before, ${loads(measured.loadAfter)} after.` +
    `${certs} Command: \`${measured.command}\`.`
  );
}

/** The api-server gate may make the check no slower than 1.3x its slowest other gate. */
const isApiServer = (gate: string) => gate.startsWith('api-server');

/**
 * The verdict of a scale row at 1000 pairs. Linear: a pair costs no more from 100 to 1000 pairs
 * than from 10 to 100, +50% for noise; where cdk8s alone is not linear either (chart-per-pair:
 * cdk8s validates and orders the whole app once per chart it writes), no less linear than cdk8s
 * alone, +50%.
 */
export function scaleVerdict(row: ScaleRow): string {
  const previous = row.previous;
  const growth = previous ? row.perPair / previous.perPair : NaN;
  const controlGrowth = previous ? row.controlPerPair / previous.controlPerPair : NaN;
  const linear = growth <= 1.5 || growth <= 1.5 * controlGrowth;
  const missed = [
    !linear && 'grows faster than cdk8s alone',
    row.wall >= 2000 && 'not < 2 s',
    row.maxRssMiB >= 400 && 'not < 400 MiB',
  ].filter(Boolean);
  return `linear or as cdk8s alone, < 2 s, < 400 MiB: ${missed.length === 0 ? 'pass' : `FAIL (${missed.join(', ')})`}`;
}

function benchBlock(bench: BenchResults['bench']): string {
  const comparisons = markdownTable(
    ['command A', 'command B', 'A', 'B', 'A / B', 'goal'],
    bench.comparisons.map(({ a, b, aMs, bMs, maxRatio }) => [
      a,
      b,
      ms(aMs),
      ms(bMs),
      `${(aMs / bMs).toFixed(2)}x`,
      maxRatio ? goal(`<= ${maxRatio}x`, aMs / bMs <= maxRatio) : 'reference',
    ]),
    'llrrrl',
  );
  const suite = markdownTable(
    [`unit and snapshot suite (suites: ${bench.suites})`, 'median', 'goal'],
    bench.suite.map(({ name, ms: value }) => [name, ms(value), goal('< 2 s', value < 2000)]),
    'lrl',
  );
  return [measuredLine(bench, ', the commands compared in turn'), comparisons, suite].join('\n\n');
}

function checkBlock(check: BenchResults['check']): string {
  const { wallMs, gates } = check.result;
  const slowestOther = Math.max(...gates.filter(({ gate }) => !isApiServer(gate)).map(({ ms: value }) => value));
  const table = markdownTable(
    ["`npm run check` on the app's manifests", 'median', 'goal'],
    [
      ['whole process (`sandbox-kit check`, as `npm run check` runs it)', ms(wallMs), 'reference'],
      ...gates.map(({ gate, ms: value }) => [
        `gate \`${gate}\``,
        ms(value),
        isApiServer(gate) ? goal('<= 1.3x the slowest other gate', value <= 1.3 * slowestOther) : '',
      ]),
    ],
    'lrl',
  );
  return [measuredLine(check, ''), table].join('\n\n');
}

function scaleBlock(scale: NonNullable<BenchResults['scale']>): string {
  const perPair = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '-');
  const table = markdownTable(
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
    scale.rows.map((row) => [
      row.shape,
      String(row.pairs),
      ms(row.wall),
      ms(row.control),
      `${(row.wall / row.control).toFixed(2)}x`,
      `${perPair(row.perPair)} (${perPair(row.controlPerPair)})`,
      `${Math.round(row.maxRssMiB)} MiB`,
      row.pairs === 1000 ? scaleVerdict(row) : '',
    ]),
    'lrrrrrrl',
  );
  return [measuredLine(scale, ', the two apps in turn'), table].join('\n\n');
}

/** The blocks of what was measured, in the page's order; a part left out has none. */
export function benchBlocks(results: BenchResults): [BlockName, string][] {
  const blocks: [BlockName, string][] = [
    ['bench', benchBlock(results.bench)],
    ['bench-check', checkBlock(results.check)],
  ];
  if (results.scale) blocks.push(['bench-scale', scaleBlock(results.scale)]);
  return blocks;
}

/** Writes each block between its markers in `doc`; the rest of the page stays as it is. */
export async function writeBenchBlocks(doc: string, blocks: readonly [BlockName, string][]): Promise<void> {
  for (const [name, markdown] of blocks) {
    await writeDocBlock(doc, name, markdown);
  }
}
