// What `npm run dev`'s loop costs, from a save to what the user reads, on the cluster of
// $KUBECONFIG (meant for the warm real node: `npm run cluster:up -- --real-node`, the stand-in
// images already on it). The loop runs in a copy of the project (kit/pkg/common/project-copy.ts)
// against a fresh namespace enforcing the restricted Pod Security Standard; each round saves the
// copy's main.ts twice and times, by the clock of this process, when each line arrives:
//   replicas  nginx's replicas 2 -> 3: until the loop prints the Deployment's 3/3 pods ready (and,
//             beside it, the deploy's `deployed:` line); then back to 2, untimed
//   bad prop  fib-client's nodePort 80: until the loop prints the construct path under the
//             message; then back to the good app, untimed
// Prints a line per run and writes its section, between the markers <!-- dev-loop:begin --> and
// <!-- dev-loop:end --> of docs/benchmarks.md, with the machine's load before and after (uptime):
// the figures depend on it. A benchmark: no test depends on it.
// Usage: KUBECONFIG=... node -r ./kit/pkg/loader/ts-register.js kit/lab/bench/dev.ts [ROUNDS]  (default 3)
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kubectlSync } from '../../pkg/common/kubectl';
import { copyProject, mainWithProps } from '../../pkg/common/project-copy';
import { restrictedNamespace } from '../../pkg/common/restricted';
import { markdownTable } from '../../pkg/common/markdown-table';
import { writeDocBlock } from '../../pkg/common/doc-block';
import { makeTempDir, removeTempDir } from '../../pkg/common/temp-dir';
import { median, thisMachine } from './measure';

const BENCHMARKS_DOC = path.resolve(__dirname, '../../../docs/benchmarks.md');
const GOOD = '{ nginx: { replicas: 2 } }';
const MORE = '{ nginx: { replicas: 3 } }';
const BAD = '{ nginx: { replicas: 2 }, fibClient: { nodePort: 80 } }';
const WAIT_MS = 300_000;

const rounds = Number(process.argv[2] ?? 3);
if (!Number.isInteger(rounds) || rounds < 1 || process.argv.length > 3) {
  console.error(`dev bench: ROUNDS must be a positive whole number (got ${process.argv.slice(2).join(' ')})`);
  console.error('usage: KUBECONFIG=... node -r ./kit/pkg/loader/ts-register.js kit/lab/bench/dev.ts [ROUNDS]');
  process.exit(2);
}

const loadAverage = () =>
  os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(', ');
const secs = (ms: number) => (ms / 1000).toFixed(2);

/** The lines the loop printed, each with the time it arrived. */
const lines: { at: number; text: string }[] = [];

async function bench(): Promise<void> {
  const ready = kubectlSync(['get', '--raw=/readyz']);
  if (ready.status !== 0) {
    throw new Error(`kubectl get --raw=/readyz: ${ready.stderr}`);
  }
  const loadBefore = loadAverage();
  const work = makeTempDir('k8s-sandbox-bench-dev-');
  const namespace = `k8s-sandbox-bench-dev-${Date.now().toString(36)}`;
  const mainTs = copyProject(path.join(work, 'project'));
  kubectlSync(['create', '-f', '-'], { input: JSON.stringify(restrictedNamespace(namespace)) });
  while (kubectlSync(['get', 'serviceaccount', 'default', '-n', namespace]).status !== 0) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const loop = spawn('npm', ['run', '-s', 'dev', '--', '-n', namespace], {
    cwd: path.dirname(mainTs),
    detached: true,
  });
  let partial = '';
  const onData = (chunk: string) => {
    const at = Date.now();
    partial += chunk;
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    complete.forEach((text) => lines.push({ at, text }));
  };
  loop.stdout.setEncoding('utf8').on('data', onData);
  loop.stderr.setEncoding('utf8').on('data', onData);

  /** The time the first line from `from` on that matches `pattern` arrived. */
  const arrival = async (pattern: RegExp, from: number): Promise<number> => {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const line = lines.slice(from).find((l) => pattern.test(l.text));
      if (line) {
        return line.at;
      }
      if (Date.now() > deadline || loop.exitCode !== null) {
        throw new Error(`npm run dev did not print ${pattern}; it printed:\n${lines.map((l) => l.text).join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const save = (props: string) => {
    const from = lines.length;
    fs.writeFileSync(mainTs, mainWithProps(props));
    return { from, saved: Date.now() };
  };
  const deployed = /^\[\s*[\d.]+s\] deployed: revision \d+/;
  const times = { ready: [] as number[], deployed: [] as number[], message: [] as number[] };
  try {
    await arrival(/^dev: live: Deployment\/.*: 2\/2 pods ready$/, 0);
    for (let round = 1; round <= rounds; round += 1) {
      const more = save(MORE);
      const ready = await arrival(/^dev: live: Deployment\/.*nginx-deployment: 3\/3 pods ready$/, more.from);
      const done = await arrival(deployed, more.from);
      times.ready.push(ready - more.saved);
      times.deployed.push(done - more.saved);
      const back = save(GOOD);
      await arrival(/^dev: live: Deployment\/.*nginx-deployment: 2\/2 pods ready$/, back.from);

      const bad = save(BAD);
      const message = await arrival(/^ {2}construct: fib-client\/fib-client$/, bad.from);
      times.message.push(message - bad.saved);
      await arrival(/^dev: synth failed/, bad.from);
      const good = save(GOOD);
      await arrival(deployed, good.from);
      console.log(
        `round ${round}/${rounds}  replicas 2->3 Ready ${secs(ready - more.saved)} s (deployed: ${secs(done - more.saved)} s)` +
          `  bad prop's message ${secs(message - bad.saved)} s`,
      );
    }
  } finally {
    if (loop.pid !== undefined && loop.exitCode === null) {
      process.kill(-loop.pid, 'SIGINT');
      await new Promise((resolve) => loop.once('exit', resolve));
    }
    kubectlSync(['delete', 'namespace', namespace, '--wait=true']);
    removeTempDir(work);
  }
  const loadAfter = loadAverage();
  const runs = (values: number[]) => values.map(secs).join(', ');
  const table = markdownTable(
    [`from a save of main.ts to ... (${rounds} rounds, median)`, 'seconds', 'goal'],
    [
      [
        "nginx's new replica Ready (replicas 2 -> 3; the loop prints `3/3 pods ready`)",
        secs(median(times.ready)),
        '≤ 10',
      ],
      ["the deploy's `deployed:` line of the same save", secs(median(times.deployed)), ''],
      [
        "a bad prop's message and construct path on screen (fib-client's nodePort 80)",
        secs(median(times.message)),
        '≤ 2',
      ],
    ],
  );
  const section = [
    `Measured on ${new Date().toISOString().slice(0, 10)} on ${thisMachine()}, on the warm real node. 1-, 5- and 15-minute load averages: ${loadBefore} before, ` +
      `${loadAfter} after. Command ([kit/lab/bench/dev.ts](../kit/lab/bench/dev.ts)):`,
    '',
    '```sh',
    'npm run cluster:up -- --real-node &&',
    `  KUBECONFIG=<the kubeconfig cluster:up prints> node -r ./kit/pkg/loader/ts-register.js kit/lab/bench/dev.ts ${rounds}; npm run cluster:down`,
    '```',
    '',
    table,
    '',
    `Runs: new replica Ready ${runs(times.ready)} s; \`deployed:\` ${runs(times.deployed)} s; the bad prop's message ${runs(times.message)} s.`,
  ].join('\n');
  console.log(`\n${section}`);
  await writeDocBlock(BENCHMARKS_DOC, 'dev-loop', section);
  console.log(`dev bench: wrote the dev-loop section of ${path.relative(process.cwd(), BENCHMARKS_DOC)}`);
}

bench().catch((error: unknown) => {
  console.error(`dev bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
