// The pull-request workflow is linted by actionlint (pinned in tools/ci/go.mod, run with
// `go tool`), and it is one CI definition: it runs .ci/run, then publishes `npm run diff`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { run } from '../../common/process';

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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-sandbox-workflow-'));
  try {
    const broken = path.join(dir, 'broken.yml');
    const text = fs.readFileSync(workflow, 'utf8');
    fs.writeFileSync(broken, text.replace('github.base_ref', 'github.base_branch').replace('if: ', 'iff: '));
    const result = await actionlint(broken);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/broken\.yml:\d+:\d+: property "base_branch" is not defined/);
    expect(result.stdout).toMatch(/broken\.yml:\d+:\d+: unexpected key "iff"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the workflow runs .ci/run, then writes npm run diff to the job summary even after a failure', () => {
  type Step = { run?: string; if?: string };
  const jobs = (parse(fs.readFileSync(workflow, 'utf8')) as { jobs: Record<string, { steps: Step[] }> }).jobs;
  const runs = Object.values(jobs).flatMap((job) => job.steps.flatMap((step) => (step.run ? [step] : [])));
  // As root where the runner is not (the real-node test needs it), with the runner's PATH.
  const ci = runs.findIndex((step) => /^(sudo .* )?bash \.ci\/run$/.test(step.run ?? ''));
  const diff = runs.findIndex((step) =>
    /npm run -s diff -- --markdown .*>> "\$GITHUB_STEP_SUMMARY"/.test(step.run ?? ''),
  );
  expect(ci).toBeGreaterThanOrEqual(0);
  expect(diff).toBeGreaterThan(ci);
  expect(runs[diff]?.if).toContain('!cancelled()');
});
