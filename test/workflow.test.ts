// The pull-request workflow cannot run here, so check what can be: it is valid YAML, and it
// runs every step the review flow relies on, in order, with the settings the diff needs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';

const file = path.join(__dirname, '../.github/workflows/pull-request.yml');

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}

test('pull-request.yml parses and runs the review steps in order', () => {
  const document = parseDocument(fs.readFileSync(file, 'utf8'));
  expect(document.errors).toEqual([]);
  const workflow = document.toJS() as { on: Record<string, unknown>; jobs: Record<string, { steps: Step[] }> };
  expect(Object.keys(workflow.on)).toEqual(['pull_request']);

  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
  const checkout = steps.find((step) => step.uses?.startsWith('actions/checkout@'));
  expect(checkout?.with?.['fetch-depth']).toBe(0);
  expect(steps.find((step) => step.uses?.startsWith('actions/setup-node@'))?.with?.['node-version']).toBe(20);

  const commands = steps.flatMap((step) => (step.run ? [step.run] : []));
  const order = [
    'npm ci',
    'npm run typecheck',
    'npx jest --ci',
    'npm run synth',
    'npm run check',
    'diff -- --markdown',
  ];
  const positions = order.map((command) => commands.findIndex((run) => run.includes(command)));
  expect(positions).not.toContain(-1);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);

  const diff = steps.find((step) => step.run?.includes('diff -- --markdown'));
  expect(diff?.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
  expect(diff?.if).toContain('!cancelled()');
});
