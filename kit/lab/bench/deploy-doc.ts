// The section of docs/benchmarks.md that kit/lab/bench/deploy.sh measures, written by it: the
// bench hands over its runs as JSON on stdin, and this writes the tables of medians, the runs
// themselves, the date, the machine and its load, between the markers <!-- deploy:begin --> and
// <!-- deploy:end --> (kit/pkg/common/doc-block.ts), and prints them. A benchmark's: no test
// depends on the figures.
// Usage: kit/lab/bench/deploy.sh, which runs: node -r ./kit/pkg/loader/ts-register.js kit/lab/bench/deploy-doc.ts <runs.json
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeDocBlock } from '../../pkg/common/doc-block';
import { markdownTable } from '../../pkg/common/markdown-table';
import { median, thisMachine } from './measure';

const BENCHMARKS_DOC = path.resolve(__dirname, '../../../docs/benchmarks.md');
/** The goal for a good deploy against kubectl's own apply and waits. */
const GOAL_RATIO = 1.15;

/** What deploy.sh measured, in seconds, each run in the order it ran. */
export interface DeployRuns {
  readonly rounds: number;
  readonly dir: string;
  readonly failRounds: number;
  /** The 1-, 5- and 15-minute load averages before the first run and after the last. */
  readonly loadBefore: string;
  readonly loadAfter: string;
  readonly deploy: readonly number[];
  readonly kubectl: readonly number[];
  readonly bare: readonly number[];
  readonly failfast: readonly number[];
  readonly helm: readonly number[];
  /** How Helm alone ended the failure, when not as expected ("" when it failed and restored). */
  readonly helmOutcome: string;
}

const secs = (value: number) => value.toFixed(2);
const rounds = (count: number) => `${count} round${count === 1 ? '' : 's'}`;
const list = (values: readonly number[]) => values.map(secs).join(', ');

/** The section's Markdown: what was measured where, the tables, and every run. */
export function deploySection(runs: DeployRuns, machine: string, date: string): string {
  const [deploy, byHand, bare] = [median(runs.deploy), median(runs.kubectl), median(runs.bare)];
  // Each round's pair ran back to back: their ratio says more on a shared machine than the medians'.
  const ratios = runs.deploy.map((seconds, round) => seconds / runs.kubectl[round]!);
  const good = markdownTable(
    [`from nothing to ... (${rounds(runs.rounds)}, median)`, 'seconds'],
    [
      ['`npm run apply` (preview, Helm 4, kstatus wait, endpoints): all healthy', secs(deploy)],
      [
        '`kubectl apply -f dist && kubectl rollout status && kubectl wait` (pods Ready, endpoints): all healthy',
        secs(byHand),
      ],
      ['`kubectl apply -f dist` alone: stored, not yet running', secs(bare)],
      [
        'what waiting adds over the bare apply: `npm run apply` / by hand',
        `${secs(deploy - bare)} / ${secs(byHand - bare)}`,
      ],
    ],
    'lr',
  );
  const lines = [
    `Measured on ${date} on ${machine}, on the warm real node. 1-, 5- and 15-minute load averages: ` +
      `${runs.loadBefore} before, ${runs.loadAfter} after. Command ([kit/lab/bench/deploy.sh](../kit/lab/bench/deploy.sh)):`,
    '',
    '```sh',
    'npm run cluster:up -- --real-node &&',
    `  KUBECONFIG=<the kubeconfig cluster:up prints> bash kit/lab/bench/deploy.sh ${runs.rounds} ${runs.dir} ${runs.failRounds}; npm run cluster:down`,
    '```',
    '',
    good,
    '',
    `\`npm run apply\` / by hand: ${(deploy / byHand).toFixed(2)}x by the medians, ${median(ratios).toFixed(2)}x ` +
      `the median of each round's pair (goal ≤ ${GOAL_RATIO}x). Runs: \`npm run apply\` ${list(runs.deploy)} s; ` +
      `by hand ${list(runs.kubectl)} s; bare ${list(runs.bare)} s.`,
  ];
  if (runs.failRounds > 0) {
    const helmAlone =
      'Helm alone: `helm upgrade --install --wait=watcher --rollback-on-failure` (default `--timeout` 5m)' +
      (runs.helmOutcome ? `; ${runs.helmOutcome}` : '');
    lines.push(
      '',
      markdownTable(
        [
          `a missing fib-client image tag, from the command to restored (${rounds(runs.failRounds)}, median)`,
          'seconds',
        ],
        [
          ['`npm run apply`, no `--timeout` (fails fast, explains, `helm rollback`)', secs(median(runs.failfast))],
          [helmAlone, secs(median(runs.helm))],
        ],
        'lr',
      ),
      '',
      `Runs: \`npm run apply\` ${list(runs.failfast)} s; Helm alone ${list(runs.helm)} s.`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const runs = JSON.parse(fs.readFileSync(0, 'utf8')) as DeployRuns;
  const section = deploySection(runs, thisMachine(), new Date().toISOString().slice(0, 10));
  console.log(`\n${section}`);
  await writeDocBlock(BENCHMARKS_DOC, 'deploy', section);
  console.log(`deploy bench: wrote the deploy section of ${path.relative(process.cwd(), BENCHMARKS_DOC)}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`deploy bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
