// What CI takes on this machine, from its own lines: reads the output of `bash .ci/run LANE` for
// each lane that kit/lab/bench/ci.sh ran (each alone, as the pull-request workflow's jobs run them),
// and writes, into docs/benchmarks.md, the block of its cache state (`ci-cold` or `ci-warm`): each
// lane's time, each step's (`== done: STEP (Ns)`), each Go build's (`LABEL: built in Ns`, from
// kit/pkg/common/go-build.sh). Then it rewrites the `ci-workflow` block: the pull-request workflow's
// wall time on a cache miss, as the sum of the measured lanes on its longest path (fast, then
// build, then the longest of the lanes that run in parallel after it).
// Usage (kit/lab/bench/ci.sh runs it):
//   node -r ./kit/pkg/loader/ts-register.js kit/lab/bench/ci.ts --cold|--warm --commit SHA
//     --load-before 'L1, L5, L15' --load-after 'L1, L5, L15' --command 'CMD' LANE=LOG...
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { readDocBlock, writeDocBlock } from '../../pkg/common/doc-block';
import { markdownTable } from '../../pkg/common/markdown-table';
import { runMain } from '../../pkg/common/process';
import { thisMachine } from './measure';

const BENCHMARKS_DOC = path.resolve(__dirname, '../../../docs/benchmarks.md');

/** The project's goal for CI's answer on a cache miss. */
const GOAL_SECONDS = 25 * 60;

/** The goal for one `bash .ci/run` of every lane on a cold machine: half of CI's 90 minutes. */
const WHOLE_RUN_GOAL_SECONDS = 45 * 60;

/** The lanes that run first and alone on the workflow's longest path; the others run in parallel after them. */
const SERIAL_LANES = ['fast', 'build'];

export type CacheState = 'cold' | 'warm';

export interface Timed {
  readonly name: string;
  readonly seconds: number;
}

/** What one `bash .ci/run LANE` printed: its steps, its own total and the Go programs it built. */
export interface LaneRun {
  readonly lane: string;
  readonly steps: readonly Timed[];
  readonly seconds: number;
  readonly goBuilds: readonly Timed[];
}

/** Reads the step lines of one lane's output; a run that did not pass is refused. */
export function parseCiLog(lane: string, log: string): LaneRun {
  const steps = [...log.matchAll(/^== done: (.*) \((\d+)s\)$/gm)].map(([, name, s]) => ({
    name: name!,
    seconds: Number(s),
  }));
  const total = /^ci: all steps passed in (\d+)s$/m.exec(log)?.[1];
  if (total === undefined) {
    const failed = /^ci: step failed: (.*)$/m.exec(log)?.[1];
    throw new Error(
      `the output of lane ${lane} must end with .ci/run's "ci: all steps passed" line (got ` +
        `${failed === undefined ? 'no such line' : `"ci: step failed: ${failed}"`}); only a run that passed is measured`,
    );
  }
  // go-build.sh's "LABEL: built in Ns"; build.sh's labels carry a "[n/N] " counter, not part of the name.
  const goBuilds = [...log.matchAll(/^(.+): built in (\d+)s$/gm)].map(([, label, s]) => ({
    name: label!.replace(/\[\d+\/\d+\] /, ''),
    seconds: Number(s),
  }));
  return { lane, steps, seconds: Number(total), goBuilds };
}

/**
 * Reads the output of one `bash .ci/run` of several lanes: each step, and each Go build, belongs to
 * the lane whose `=== lane NAME` line came last before the step started (a blank line, then
 * `== STEP`); its `== done` line may follow the next lane's line. A lane's time is the sum of its steps; the run's, its own.
 */
export function parseWholeCiLog(log: string): { lanes: LaneRun[]; seconds: number } {
  const total = parseCiLog('every lane', log).seconds;
  const lanes = new Map<string, { steps: Timed[]; goBuilds: Timed[] }>();
  const started: string[] = [];
  let lane: string | undefined;
  let stepLane: string | undefined;
  let done = 0;
  let previous = '';
  for (const line of log.split('\n')) {
    const laneLine = /^=== lane ([\w-]+)$/.exec(line);
    const finished = /^== done: (.*) \((\d+)s\)$/.exec(line);
    const build = /^(.+): built in (\d+)s$/.exec(line);
    if (laneLine) {
      lane = laneLine[1]!;
      lanes.set(lane, { steps: [], goBuilds: [] });
    } else if (finished) {
      const owner = started[done++];
      if (owner !== undefined) lanes.get(owner)?.steps.push({ name: finished[1]!, seconds: Number(finished[2]) });
    } else if (line.startsWith('== ') && previous === '' && lane !== undefined) {
      // .ci/run's step(): a blank line, then the step's name.
      started.push(lane);
      stepLane = lane;
    } else if (build && stepLane !== undefined) {
      const name = build[1]!.replace(/\[\d+\/\d+\] /, '');
      lanes.get(stepLane)?.goBuilds.push({ name, seconds: Number(build[2]) });
    }
    previous = line;
  }
  if (lanes.size === 0)
    throw new Error('the output of a whole run must have .ci/run\'s "=== lane NAME" lines (got none)');
  return {
    lanes: [...lanes].map(([name, { steps, goBuilds }]) => ({ lane: name, steps, goBuilds, seconds: sum(steps) })),
    seconds: total,
  };
}

/** The block of one whole `bash .ci/run`: its total against the goal, then as ciSection. */
export function wholeRunSection(m: Measurement, seconds: number): string {
  const goal = `≤ ${WHOLE_RUN_GOAL_SECONDS / 60} min: ${seconds <= WHOLE_RUN_GOAL_SECONDS ? 'pass' : 'FAIL'}`;
  return [
    `One \`bash .ci/run\` of every lane, as CI runs it on a fresh clone: **${seconds} s, ${minutes(seconds)} min** (goal ${goal}).`,
    '',
    ciSection(m, 'lane, in this run'),
  ].join('\n');
}

export interface Measurement {
  readonly state: CacheState;
  readonly runs: readonly LaneRun[];
  readonly date: string;
  readonly machine: string;
  readonly commit: string;
  readonly loadBefore: string;
  readonly loadAfter: string;
  readonly command: string;
}

const STATE_SAYS: Record<CacheState, string> = {
  cold: "with empty Go module and build caches and an empty `~/.cache/k8s-sandbox` (`XDG_CACHE_HOME`, `GOCACHE`, `GOMODCACHE` in a new temporary folder; npm's own cache as it was, as the workflow restores it)",
  warm: "with the machine's caches as they were",
};

const minutes = (seconds: number) => (seconds / 60).toFixed(1);
const sum = (timed: readonly Timed[]) => timed.reduce((total, t) => total + t.seconds, 0);

/** The block of one measurement: the lanes, their steps, and the Go builds. */
export function ciSection(m: Measurement, laneHeader = 'lane, run alone'): string {
  const longest = (run: LaneRun) =>
    [...run.steps]
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, 2)
      .map((step) => `${step.name} ${step.seconds} s`)
      .join('; ');
  const serial = m.runs.reduce((total, run) => total + run.seconds, 0);
  const lanes = markdownTable(
    [laneHeader, 'seconds', 'minutes', 'its longest steps'],
    [
      ...m.runs.map((run) => [`\`${run.lane}\``, String(run.seconds), minutes(run.seconds), longest(run)]),
      ['these lanes one after another', String(serial), minutes(serial), ''],
    ],
    'lrrl',
  );
  const steps = markdownTable(
    ['lane', 'step', 'seconds'],
    m.runs.flatMap((run) => run.steps.map((step) => [`\`${run.lane}\``, step.name, String(step.seconds)])),
    'llr',
  );
  const builds = m.runs.flatMap((run) => run.goBuilds.map((build) => ({ lane: run.lane, ...build })));
  const goTable =
    builds.length === 0
      ? 'No Go program was built: the cache had them all.'
      : [
          `The Go programs built (go-build.sh's lines), ${sum(builds)} s in all:`,
          '',
          markdownTable(
            ['lane', 'Go program', 'seconds'],
            builds.map((build) => [`\`${build.lane}\``, build.name, String(build.seconds)]),
            'llr',
          ),
        ].join('\n');
  return [
    `Measured on ${m.date} on ${m.machine}, ${STATE_SAYS[m.state]}, commit ${m.commit}. ` +
      `1-, 5- and 15-minute load averages: ${m.loadBefore} before, ${m.loadAfter} after. ` +
      'Command ([kit/lab/bench/ci.sh](../kit/lab/bench/ci.sh)):',
    '',
    '```sh',
    m.command,
    '```',
    '',
    lanes,
    '',
    steps,
    '',
    goTable,
  ].join('\n');
}

/** The lanes' times in a block that `ciSection` wrote: lane -> seconds. */
export function laneSeconds(block: string | undefined): Map<string, number> {
  const found = [...(block ?? '').matchAll(/^\|\s*`([\w-]+)`\s*\|\s*(\d+)\s*\|\s*[\d.]+\s*\|/gm)];
  return new Map(found.map(([, lane, seconds]) => [lane!, Number(seconds)]));
}

/**
 * The workflow's wall time on a cache miss, as a sum: fast and build cold, then the longest of
 * the other lanes, warm where measured warm (their jobs start from the caches build saved).
 */
export function workflowSection(
  cold: Map<string, number>,
  warm: Map<string, number>,
  allLanes: readonly string[],
): string {
  const figure = (lane: string, prefer: CacheState) => {
    const order: CacheState[] = prefer === 'cold' ? ['cold', 'warm'] : ['warm', 'cold'];
    for (const state of order) {
      const seconds = (state === 'cold' ? cold : warm).get(lane);
      if (seconds !== undefined) return { lane, seconds, state };
    }
    return undefined;
  };
  const serial = SERIAL_LANES.map((lane) => figure(lane, 'cold'));
  const parallel = allLanes.filter((lane) => !SERIAL_LANES.includes(lane)).map((lane) => figure(lane, 'warm'));
  const missing = allLanes.filter((lane) => figure(lane, 'warm') === undefined);
  if (missing.length > 0) {
    // Each run rewrites its whole block: the hint names every lane of that block, not only the missing.
    const later = allLanes.filter((lane) => !SERIAL_LANES.includes(lane));
    const commands = [
      ...(missing.some((lane) => SERIAL_LANES.includes(lane))
        ? [`kit/lab/bench/ci.sh --cold ${SERIAL_LANES.join(' ')}`]
        : []),
      ...(missing.some((lane) => later.includes(lane)) ? [`kit/lab/bench/ci.sh ${later.join(' ')}`] : []),
    ];
    return (
      `Not yet summed: no figure for the lane${missing.length > 1 ? 's' : ''} ${missing.map((l) => `\`${l}\``).join(', ')}; ` +
      `measure with ${commands.map((command) => `\`${command}\``).join(' and ')}.`
    );
  }
  const measured = parallel.filter((f) => f !== undefined);
  const longest = measured.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const critical = [...serial.filter((f) => f !== undefined), longest];
  const total = critical.reduce((t, f) => t + f.seconds, 0);
  const serialTotal = [...serial.filter((f) => f !== undefined), ...measured].reduce((t, f) => t + f.seconds, 0);
  const goal = `≤ ${GOAL_SECONDS / 60} min: ${total <= GOAL_SECONDS ? 'pass' : 'FAIL'}`;
  return [
    'The pull-request workflow on a cache miss, as a sum of the lanes measured above (not a run of the workflow):',
    '',
    markdownTable(
      ['job', 'seconds', 'minutes', 'from', 'goal'],
      [
        ...critical.map((f) => [`\`${f.lane}\``, String(f.seconds), minutes(f.seconds), `the ${f.state} run`, '']),
        [`wall time: ${critical.map((f) => f.lane).join(' + ')}`, String(total), minutes(total), 'the sum', goal],
        [
          'every lane one after another, each alone (`bash .ci/run` installs and synthesizes once)',
          String(serialTotal),
          minutes(serialTotal),
          'the sum',
          '',
        ],
      ],
      'lrrll',
    ),
  ].join('\n');
}

/** This machine, as the benchmarks name it. */
export function machine(goVersion: string): string {
  return `${thisMachine()}, ${goVersion}`;
}

/** The lanes of .ci/run, in its order (its LANES line). */
export function ciLanes(ciRun: string): string[] {
  const line = /^LANES=\((.*)\)$/m.exec(ciRun)?.[1];
  if (line === undefined) throw new Error('.ci/run must have a LANES=(...) line naming its lanes');
  return line.split(' ');
}

export async function main(argv: readonly string[], doc = BENCHMARKS_DOC): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      cold: { type: 'boolean', default: false },
      warm: { type: 'boolean', default: false },
      commit: { type: 'string', default: '' },
      'load-before': { type: 'string', default: '' },
      'load-after': { type: 'string', default: '' },
      command: { type: 'string', default: '' },
      'go-version': { type: 'string', default: '' },
      whole: { type: 'boolean', default: false },
    },
  });
  if (values.cold === values.warm) {
    throw new Error(`--cold or --warm must be given, one of them (got ${values.cold ? 'both' : 'neither'})`);
  }
  const state: CacheState = values.cold ? 'cold' : 'warm';
  const measured = {
    state,
    date: new Date().toISOString().slice(0, 10),
    machine: machine(values['go-version']),
    commit: values.commit,
    loadBefore: values['load-before'],
    loadAfter: values['load-after'],
    command: values.command,
  };
  if (values.whole) {
    const [log] = positionals;
    if (positionals.length !== 1 || log === undefined) {
      throw new Error(`--whole takes one LOGFILE, the output of bash .ci/run (got ${positionals.length})`);
    }
    const { lanes, seconds } = parseWholeCiLog(fs.readFileSync(log, 'utf8'));
    const section = wholeRunSection({ ...measured, runs: lanes }, seconds);
    console.log(`\n${section}`);
    await writeDocBlock(doc, `ci-${state}-whole`, section);
    console.log(`\nbench ci: wrote the ci-${state}-whole block of ${path.relative(process.cwd(), doc)}`);
    return 0;
  }
  const runs = positionals.map((arg) => {
    const [lane, log] = arg.split(/=(.*)/s);
    if (!lane || !log) throw new Error(`each lane must be given as LANE=LOGFILE (got "${arg}")`);
    return parseCiLog(lane, fs.readFileSync(log, 'utf8'));
  });
  if (runs.length === 0) throw new Error('LANE=LOGFILE must be given for one lane or more (got none)');
  const section = ciSection({ ...measured, runs });
  console.log(`\n${section}`);
  await writeDocBlock(doc, `ci-${state}`, section);
  const allLanes = ciLanes(fs.readFileSync(path.resolve(__dirname, '../../../.ci/run'), 'utf8'));
  const page = fs.readFileSync(doc, 'utf8');
  const workflow = workflowSection(
    laneSeconds(readDocBlock(page, 'ci-cold')),
    laneSeconds(readDocBlock(page, 'ci-warm')),
    allLanes,
  );
  console.log(`\n${workflow}`);
  await writeDocBlock(doc, 'ci-workflow', workflow);
  console.log(`\nbench ci: wrote the ci-${state} and ci-workflow blocks of ${path.relative(process.cwd(), doc)}`);
  return 0;
}

if (require.main === module) {
  runMain('bench ci', () => main(process.argv.slice(2)));
}
