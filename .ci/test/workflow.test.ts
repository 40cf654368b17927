// The pull-request workflow is linted by actionlint (pinned in .ci/go/go.mod, run with
// `go tool`), and it is one CI definition: its jobs run the lanes of .ci/run, then `npm run diff`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { run } from '../../kit/pkg/common/process';
import { withTempDir } from '../../kit/pkg/common/temp-dir';

const root = path.resolve(__dirname, '../..');
const workflow = path.join(root, '.github/workflows/pull-request.yml');

function actionlint(...files: string[]) {
  return run('go', ['-C', path.join(root, '.ci/go'), 'tool', 'actionlint', '-no-color', ...files], {
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

type Step = {
  uses?: string;
  run?: string;
  if?: string;
  id?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
};
type Job = {
  needs?: string | string[];
  outputs?: Record<string, string>;
  strategy?: { matrix?: { lane?: string[] } };
  steps: Step[];
};

function jobs(): Record<string, Job> {
  return (parse(fs.readFileSync(workflow, 'utf8')) as { jobs: Record<string, Job> }).jobs;
}

/** The lanes `bash .ci/run` runs by default, read from its LANES line. */
function ciLanes(): string[] {
  const line = /^LANES=\((.*)\)$/m.exec(fs.readFileSync(path.join(root, '.ci/run'), 'utf8'));
  expect(line).not.toBeNull();
  return line![1]!.split(' ');
}

/** Which job runs each lane of .ci/run. */
function laneJobs(all: Record<string, Job>): { job: string; lane: string }[] {
  return Object.entries(all).flatMap(([name, job]) =>
    job.steps.flatMap((step) => {
      const command = /^(?:sudo .* )?bash \.ci\/run (\S+)$/.exec(step.run ?? '')?.[1];
      if (command === undefined) return [];
      const lanes = command === '"$LANE"' ? (job.strategy?.matrix?.lane ?? []) : [command];
      return lanes.map((lane) => ({ job: name, lane }));
    }),
  );
}

test('the workflow runs every lane of .ci/run: fast first, then build, then the others after build', () => {
  const all = jobs();
  const lanesRun = laneJobs(all);
  expect(lanesRun.map(({ lane }) => lane).sort()).toEqual([...ciLanes()].sort());
  const jobOf = (lane: string) => lanesRun.find((run) => run.lane === lane)!.job;
  expect(all[jobOf('fast')]!.needs).toBeUndefined();
  expect(all[jobOf('build')]!.needs).toBe(jobOf('fast'));
  for (const { job, lane } of lanesRun.filter(({ lane }) => lane !== 'fast' && lane !== 'build')) {
    expect({ lane, needs: all[job]!.needs }).toEqual({ lane, needs: jobOf('build') });
  }
});

test('the build job saves the Go cache on a miss, and every later lane restores that cache by its key', () => {
  const all = jobs();
  const build = all[laneJobs(all).find(({ lane }) => lane === 'build')!.job]!;
  const steps = build.steps;
  const lookup = steps.find((step) => step.id === 'cache')!;
  expect(lookup.uses).toMatch(/^actions\/cache\/restore@/);
  expect(lookup.with?.['lookup-only']).toBe(true);
  const buildStep = steps.findIndex((step) => step.run === 'bash .ci/run build');
  const save = steps.findIndex((step) => step.uses?.startsWith('actions/cache/save@'));
  expect(save).toBeGreaterThan(buildStep);
  for (const step of [steps[buildStep]!, steps[save]!]) {
    expect(step.if).toBe("steps.cache.outputs.cache-hit != 'true'");
  }
  expect(steps[save]!.with).toEqual({ path: lookup.with!.path, key: '${{ steps.cache.outputs.cache-primary-key }}' });
  expect(build.outputs?.['cache-key']).toBe('${{ steps.cache.outputs.cache-primary-key }}');

  const later = laneJobs(all).filter(({ lane }) => lane !== 'fast' && lane !== 'build');
  expect(later.length).toBeGreaterThan(0);
  for (const { job, lane } of later) {
    const restore = all[job]!.steps.find((step) => step.uses?.startsWith('actions/cache/restore@'));
    expect({ lane, with: restore?.with }).toEqual({
      lane,
      with: { path: lookup.with!.path, key: '${{ needs.build.outputs.cache-key }}' },
    });
    expect(
      all[job]!.steps.some(
        (step) => step.uses?.startsWith('actions/cache/save@') || step.uses?.startsWith('actions/cache@'),
      ),
    ).toBe(false);
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
