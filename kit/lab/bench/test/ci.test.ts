// kit/lab/bench/ci.ts reads .ci/run's own lines, refuses a run that did not pass, and writes the
// blocks of docs/benchmarks.md: each lane's time, and the workflow's wall time as the sum of
// fast, build and the longest later lane.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { laneSeconds, main, parseCiLog, parseWholeCiLog, workflowSection } from '../ci';
import { readDocBlock } from '../../../pkg/common/doc-block';
import { withTempDir } from '../../../pkg/common/temp-dir';

/** What `bash .ci/run build` prints, cut down: step lines, go-build.sh's lines and noise between. */
const BUILD_LOG = `
== tools on this machine (node npm go)
v20.20.2
== done: tools on this machine (node npm go) (0s)

== install (npm ci)
added 790 packages in 46s
== done: install (npm ci) (75s)

== the control plane and the real node's binaries (kit/lab/cluster/build.sh --real-node)
[cluster    0s] [1/9] kube-apiserver: building k8s.io/kubernetes/cmd/kube-apiserver (a cold build takes minutes)
cluster: [1/9] kube-apiserver: still building, 30s
cluster: [1/9] kube-apiserver: built in 393s
cluster: [2/9] kube-controller-manager: built in 114s
== done: the control plane and the real node's binaries (kit/lab/cluster/build.sh --real-node) (507s)

== the tools' Go programs: check, deploy and faults (kit/pkg/common/go-tools.ts)
go-tools: [4/6] helm: building helm (helm.sh/helm/v4 v4.0.0) with go into /x (once per machine; a minute or two)
deploy: helm: built in 251s
== done: the tools' Go programs: check, deploy and faults (kit/pkg/common/go-tools.ts) (252s)

ci: all steps passed in 834s
ci: 4 passed, 0 failed
`;

const FAST_LOG = `
== done: install (npm ci) (75s)
== done: tests (npm test: type check, lint, unit and CLI tests) (133s)
ci: all steps passed in 249s
`;

test('parseCiLog reads each step, the lane total and each Go build, names with brackets and all', () => {
  expect(parseCiLog('build', BUILD_LOG)).toEqual({
    lane: 'build',
    steps: [
      { name: 'tools on this machine (node npm go)', seconds: 0 },
      { name: 'install (npm ci)', seconds: 75 },
      { name: "the control plane and the real node's binaries (kit/lab/cluster/build.sh --real-node)", seconds: 507 },
      { name: "the tools' Go programs: check, deploy and faults (kit/pkg/common/go-tools.ts)", seconds: 252 },
    ],
    seconds: 834,
    goBuilds: [
      { name: 'cluster: kube-apiserver', seconds: 393 },
      { name: 'cluster: kube-controller-manager', seconds: 114 },
      { name: 'deploy: helm', seconds: 251 },
    ],
  });
});

test('parseCiLog refuses a run that failed, naming the step', () => {
  const failed =
    '== done: install (npm ci) (75s)\n\nci: step failed: tests (npm test) (exit 1)\nci: 1 passed, 1 failed\n';
  expect(() => parseCiLog('fast', failed)).toThrow(
    'the output of lane fast must end with .ci/run\'s "ci: all steps passed" line (got "ci: step failed: tests (npm test) (exit 1)"); only a run that passed is measured',
  );
  expect(() => parseCiLog('fast', 'npm ERR!\n')).toThrow('(got no such line)');
});

test('the workflow is summed as fast and build cold, then the longest later lane, warm where measured warm', () => {
  const cold = new Map([
    ['fast', 300],
    ['build', 1500],
    ['check', 400],
  ]);
  const warm = new Map([
    ['check', 200],
    ['kwok', 170],
    ['node', 420],
    ['faults', 340],
  ]);
  const section = workflowSection(cold, warm, ['fast', 'build', 'check', 'kwok', 'node', 'faults']);
  expect(section).toContain('| `fast` | 300 | 5.0 | the cold run |  |');
  expect(section).toContain('| `build` | 1500 | 25.0 | the cold run |  |');
  expect(section).toContain('| `node` | 420 | 7.0 | the warm run |  |');
  // 300 + 1500 + 420; serially 300 + 1500 + 200 + 170 + 420 + 340.
  expect(section).toContain('| wall time: fast + build + node | 2220 | 37.0 | the sum | ≤ 25 min: FAIL |');
  expect(section).toContain('synthesizes once) | 2930 | 48.8 | the sum |  |');
  const fastEnough = workflowSection(
    new Map([
      ['fast', 200],
      ['build', 900],
    ]),
    new Map([['node', 400]]),
    ['fast', 'build', 'node'],
  );
  expect(fastEnough).toContain('| wall time: fast + build + node | 1500 | 25.0 | the sum | ≤ 25 min: pass |');
});

test('the workflow is not summed while a lane has no figure, and the text says which', () => {
  const section = workflowSection(new Map([['fast', 300]]), new Map([['node', 420]]), [
    'fast',
    'build',
    'node',
    'kwok',
  ]);
  expect(section).toBe(
    'Not yet summed: no figure for the lanes `build`, `kwok`; measure with `kit/lab/bench/ci.sh --cold fast build` and `kit/lab/bench/ci.sh node kwok`.',
  );
});

test('main writes the block of its cache state and the workflow sum, and leaves the rest of the page', async () => {
  await withTempDir('k8s-sandbox-bench-ci-', async (dir) => {
    const doc = path.join(dir, 'benchmarks.md');
    const markers = (name: string) => `<!-- ${name}:begin -->\n\nNot measured yet.\n\n<!-- ${name}:end -->`;
    fs.writeFileSync(
      doc,
      `# Page\n\nProse.\n\n${markers('ci-cold')}\n\n${markers('ci-warm')}\n\n${markers('ci-workflow')}\n`,
    );
    const log = (name: string, text: string) => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const args = [
      '--commit',
      'abc1234',
      '--load-before',
      '1, 2, 3',
      '--load-after',
      '4, 5, 6',
      '--go-version',
      'go1.26.8',
    ];
    const quiet = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await main(
        [
          '--cold',
          ...args,
          '--command',
          'kit/lab/bench/ci.sh --cold fast build',
          `fast=${log('f', FAST_LOG)}`,
          `build=${log('b', BUILD_LOG)}`,
        ],
        doc,
      );
    } finally {
      quiet.mockRestore();
    }
    const page = fs.readFileSync(doc, 'utf8');
    expect(page.startsWith('# Page\n\nProse.\n\n<!-- ci-cold:begin -->')).toBe(true);
    const cold = readDocBlock(page, 'ci-cold')!;
    expect(cold).toContain('commit abc1234. 1-, 5- and 15-minute load averages: 1, 2, 3 before, 4, 5, 6 after.');
    expect(cold).toContain('kit/lab/bench/ci.sh --cold fast build\n');
    expect(cold).toMatch(/^\| `build` +\| install \(npm ci\) +\| +75 \|$/m);
    expect(cold).toMatch(/^\| `build` +\| deploy: helm +\| +251 \|$/m);
    expect(cold).toContain("The Go programs built (go-build.sh's lines), 758 s in all:");
    expect([...laneSeconds(cold)]).toEqual([
      ['fast', 249],
      ['build', 834],
    ]);
    expect(readDocBlock(page, 'ci-warm')).toBe('\n\nNot measured yet.\n\n');
    expect(readDocBlock(page, 'ci-workflow')).toContain('no figure for the lanes `check`, `kwok`, `node`, `faults`');
  });
});

test('main refuses a call without --cold or --warm, or without a lane', async () => {
  await expect(main(['fast=x'], '/nonexistent.md')).rejects.toThrow(
    '--cold or --warm must be given, one of them (got neither)',
  );
  await expect(main(['--warm'], '/nonexistent.md')).rejects.toThrow(
    'LANE=LOGFILE must be given for one lane or more (got none)',
  );
  await expect(main(['--warm', 'fast'], '/nonexistent.md')).rejects.toThrow(
    'each lane must be given as LANE=LOGFILE (got "fast")',
  );
});

/** One `bash .ci/run` of two lanes: its lane lines part the steps. */
const WHOLE_LOG = (total: number) => `
=== lane fast

== install (npm ci)
added 790 packages in 20s

== tests (npm test)
== done: install (npm ci) (75s)

=== lane build
== done: tests (npm test) (133s)

== every Go program of the lanes below
== a line of a program's own that looks like a step
cluster: [1/4] kube: built in 600s
== done: every Go program of the lanes below (900s)

ci: all steps passed in ${total}s
ci: 3 passed, 0 failed
`;

test('parseWholeCiLog parts one run by its lane lines, a step in the lane it started in: each lane is the sum of its steps', () => {
  const { lanes, seconds } = parseWholeCiLog(WHOLE_LOG(1108));
  expect(seconds).toBe(1108);
  expect(lanes.map((lane) => [lane.lane, lane.seconds, lane.steps.length])).toEqual([
    ['fast', 208, 2],
    ['build', 900, 1],
  ]);
  expect(lanes[1]!.goBuilds).toEqual([{ name: 'cluster: kube', seconds: 600 }]);
  expect(() => parseWholeCiLog('== done: x (1s)\nci: all steps passed in 1s\n')).toThrow(
    'the output of a whole run must have .ci/run\'s "=== lane NAME" lines (got none)',
  );
});

test("main --whole writes its own block, with the run's total against 45 minutes", async () => {
  await withTempDir('k8s-sandbox-bench-ci-', async (dir) => {
    const doc = path.join(dir, 'benchmarks.md');
    fs.writeFileSync(doc, '# Page\n\n<!-- ci-cold-whole:begin -->\n\n<!-- ci-cold-whole:end -->\n');
    const quiet = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const whole = async (total: number) => {
      fs.writeFileSync(path.join(dir, 'whole.log'), WHOLE_LOG(total));
      await main(['--cold', '--whole', '--command', 'c', '--go-version', 'go1', path.join(dir, 'whole.log')], doc);
      return readDocBlock(fs.readFileSync(doc, 'utf8'), 'ci-cold-whole')!;
    };
    try {
      expect(await whole(2700)).toContain('**2700 s, 45.0 min** (goal ≤ 45 min: pass)');
      const over = await whole(2701);
      expect(over).toContain('**2701 s, 45.0 min** (goal ≤ 45 min: FAIL)');
      expect(over).toMatch(/^\| `build` +\| +900 \| +15\.0 \|/m);
      await expect(main(['--cold', '--whole', 'a', 'b'], doc)).rejects.toThrow(
        '--whole takes one LOGFILE, the output of bash .ci/run (got 2)',
      );
    } finally {
      quiet.mockRestore();
    }
  });
});
