// `npm run diff -- [--markdown] [REF]`: what a change does to the synthesized manifests.
// Synthesizes the manifests at REF (default: the merge base with main) and at the work tree and
// prints, per object, what was added, removed and changed, flagging what `kubectl apply` cannot
// change in place and what is risky. Leaves dist/ alone; exits 0 whatever the diff holds.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { diffManifests } from './manifest-diff';
import { markdownReport, textReport } from './report';
import { defaultBase, resolveRef, synthesize, synthesizeAt } from './synth';
import { runMain } from '../common/process';

const USAGE = `usage: npm run diff -- [--markdown] [REF]

Compares the manifests synthesized at REF with those of the work tree.
REF defaults to the merge base of HEAD with main (on main: HEAD, so your uncommitted changes).
  --markdown   GitHub Markdown, for a pull request's job summary`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { markdown: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 1) {
    console.error(`give at most one REF\n\n${USAGE}`);
    return 2;
  }

  const projectDir = path.resolve(__dirname, '../..');
  const base =
    positionals[0] === undefined ? await defaultBase(projectDir) : await resolveRef(projectDir, positionals[0]);
  console.error(`synthesizing ${base.label} ...`);
  const before = await synthesizeAt(projectDir, base.commit);
  console.error('synthesizing the work tree ...');
  const after = await synthesize(projectDir);

  const diff = diffManifests(before.objects, after);
  const report = { before: base.label, after: 'work tree', notes: before.notes };
  process.stdout.write(
    values.markdown
      ? markdownReport(diff, report)
      : textReport(diff, { ...report, color: process.stdout.isTTY && !process.env.NO_COLOR }),
  );
  return 0;
}

runMain('npm run diff', () => main(process.argv.slice(2)));
