// The deploy section that kit/lab/bench/deploy.sh writes into docs/benchmarks.md: medians of the
// runs, the ratio against kubectl's own waits, every run, and the load the figures depend on.
import { deploySection } from '../deploy-doc';
import { median } from '../measure';

const runs = {
  rounds: 3,
  dir: 'dist',
  failRounds: 1,
  loadBefore: '3.10, 2.00, 1.50',
  loadAfter: '3.50, 2.10, 1.60',
  deploy: [5.2, 4.6, 4.4],
  kubectl: [4.0, 4.2, 3.6],
  bare: [0.5, 0.6, 0.55],
  failfast: [10.86],
  helm: [2.02],
  helmOutcome: 'exit 0: it took the missing image as deployed, restored nothing',
};

test('median: the middle run, or the mean of the two middle ones', () => {
  expect(median([5.2, 4.6, 4.4])).toBe(4.6);
  expect(median([4, 1, 3, 2])).toBe(2.5);
});

test('the section: the medians, both ratios against the goal, every run, the load and the command', () => {
  const section = deploySection(runs, '2 x CPU, Node v20', '2026-12-02');
  expect(section).toContain('Measured on 2026-12-02 on 2 x CPU, Node v20, on the warm real node');
  expect(section).toContain('3.10, 2.00, 1.50 before, 3.50, 2.10, 1.60 after');
  expect(section).toContain('bash kit/lab/bench/deploy.sh 3 dist 1; npm run cluster:down');
  expect(section).toMatch(/\| `npm run apply` \(preview, Helm 4, kstatus wait, endpoints\): all healthy \| 4\.60 \|/);
  expect(section).toMatch(/all healthy \| 4\.00 \|/);
  expect(section).toContain('| what waiting adds over the bare apply: `npm run apply` / by hand | 4.05 / 3.45 |');
  // 4.60 / 4.00 = 1.15; the rounds' own ratios are 1.30, 1.10, 1.22.
  expect(section).toContain("1.15x by the medians, 1.22x the median of each round's pair (goal ≤ 1.15x)");
  expect(section).toContain(
    'Runs: `npm run apply` 5.20, 4.60, 4.40 s; by hand 4.00, 4.20, 3.60 s; bare 0.50, 0.60, 0.55 s.',
  );
  expect(section).toContain(
    '(default `--timeout` 5m); exit 0: it took the missing image as deployed, restored nothing | 2.02 |',
  );
  expect(section).toContain('| `npm run apply`, no `--timeout` (fails fast, explains, `helm rollback`) | 10.86 |');
  expect(section).toContain('from nothing to ... (3 rounds, median)');
  expect(section).toContain('to restored (1 round, median)');
});

test('no failure rounds: no failure table', () => {
  const section = deploySection({ ...runs, failRounds: 0, failfast: [], helm: [] }, 'm', 'd');
  expect(section).not.toContain('a missing fib-client image tag');
});
