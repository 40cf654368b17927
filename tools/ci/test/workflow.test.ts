// The pull-request workflow is linted by actionlint (pinned in tools/ci/go.mod, run with
// `go tool`), and it is one CI definition: its jobs run the lanes of .ci/run, then `npm run diff`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { run } from '../../common/process';
import { withTempDir } from '../../common/temp-dir';

const root = path.resolve(__dirname, '../../..');
const workflow = path.join(root, '.github/workflows/pull-request.yml');

function actionlint(...files: string[]) {
  return run('go', ['-C', path.join(root, 'tools/ci'), 'tool', 'actionlint', '-no-color', ...files], {
    okExitCodes: [1],
  });
}

test('actionlint passes the workflows (npm run lint:ci)', async () => {
  const result = await actionlint();
  expect(result.stdout).toBe('');
  expect(result.code).toBe(0);
});

test('actionlint fails a broken workflow, naming the line', async () => {
  await withTempDir('k8s-sandbox-workflow-', async (dir) => {
    const broken = path.join(dir, 'broken.yml');
    const text = fs.readFileSync(workflow, 'utf8');
    fs.writeFileSync(broken, text.replace('github.base_ref', 'github.base_branch').replace('if: ', 'iff: '));
    const result = await actionlint(broken);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/broken\.yml:\d+:\d+: property "base_branch" is not defined/);
    expect(result.stdout).toMatch(/broken\.yml:\d+:\d+: unexpected key "iff"/);
  });
});

type Step = { run?: string; if?: string; env?: Record<string, string> };
type Job = { needs?: string | string[]; strategy?: { matrix?: { lane?: string[] } }; steps: Step[] };

function jobs(): Record<string, Job> {
  return (parse(fs.readFileSync(workflow, 'utf8')) as { jobs: Record<string, Job> }).jobs;
}

/** The lanes `bash .ci/run` runs by default, read from its LANES line. */
function ciLanes(): string[] {
  const line = /^LANES=\((.*)\)$/m.exec(fs.readFileSync(path.join(root, '.ci/run'), 'utf8'));
  expect(line).not.toBeNull();
  return line![1]!.split(' ');
}

test('the workflow runs every lane of .ci/run, the fast lane first and the others after it', () => {
  const all = jobs();
  const lanesRun = Object.entries(all).flatMap(([name, job]) =>
    job.steps.flatMap((step) => {
      const command = /^(?:sudo .* )?bash \.ci\/run (\S+)$/.exec(step.run ?? '')?.[1];
      if (command === undefined) return [];
      const lanes = command === '"$LANE"' ? (job.strategy?.matrix?.lane ?? []) : [command];
      return lanes.map((lane) => ({ job: name, lane }));
    }),
  );
  expect(lanesRun.map(({ lane }) => lane).sort()).toEqual([...ciLanes()].sort());
  const fastJob = lanesRun.find(({ lane }) => lane === 'fast')!.job;
  for (const { job, lane } of lanesRun.filter(({ lane }) => lane !== 'fast')) {
    expect({ lane, needs: all[job]!.needs }).toEqual({ lane, needs: fastJob });
  }
});

test('bash .ci/run refuses an unknown lane, naming the lanes it has', async () => {
  const result = await run('bash', [path.join(root, '.ci/run'), 'no-such-lane'], { okExitCodes: [2] });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain("ci: unknown lane 'no-such-lane'");
  expect(result.stderr).toContain(`LANE: ${ciLanes().join(' ')}`);
});

test('the fast job writes npm run diff to the job summary after the fast lane, even after a failure', () => {
  const steps = Object.values(jobs()).find((job) => job.steps.some((step) => step.run === 'bash .ci/run fast'))!.steps;
  const ci = steps.findIndex((step) => step.run === 'bash .ci/run fast');
  const diff = steps.findIndex((step) =>
    /npm run -s diff -- --markdown .*>> "\$GITHUB_STEP_SUMMARY"/.test(step.run ?? ''),
  );
  expect(diff).toBeGreaterThan(ci);
  expect(steps[diff]?.if).toContain('!cancelled()');
});
