// `npm run diff -- [--markdown] [REF]`: what a change does to the synthesized manifests.
// Synthesizes the manifests at REF (default: the merge base with main) and at the work tree and
// prints, per object, what was added, removed and changed, flagging what `kubectl apply` cannot
// change in place and what is risky. Leaves dist/ alone; exits 0 whatever the diff holds.
import * as path from 'node:path';
import { diffManifests } from './manifest-diff';
import { markdownReport, textReport } from './report';
import { defaultBase, resolveRef, synthesize, synthesizeAt } from './synth';

const USAGE = `usage: npm run diff -- [--markdown] [REF]

Compares the manifests synthesized at REF with those of the work tree.
REF defaults to the merge base of HEAD with main (on main: HEAD, so your uncommitted changes).
  --markdown   GitHub Markdown, for a pull request's job summary`;

function main(argv: string[]): void {
  const options = argv.filter((arg) => arg.startsWith('-'));
  const refs = argv.filter((arg) => !arg.startsWith('-'));
  if (options.includes('--help') || options.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const unknown = options.filter((option) => option !== '--markdown');
  if (unknown.length > 0 || refs.length > 1) {
    console.error(`${unknown.length > 0 ? `unknown option ${unknown[0]}` : 'give at most one REF'}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  const projectDir = path.resolve(__dirname, '../..');
  const base = refs[0] === undefined ? defaultBase(projectDir) : resolveRef(projectDir, refs[0]);
  console.error(`synthesizing ${base.label} ...`);
  const before = synthesizeAt(projectDir, base.commit);
  console.error('synthesizing the work tree ...');
  const after = synthesize(projectDir);

  const diff = diffManifests(before.objects, after);
  const report = { before: base.label, after: 'work tree', notes: before.notes };
  process.stdout.write(
    options.includes('--markdown')
      ? markdownReport(diff, report)
      : textReport(diff, { ...report, color: process.stdout.isTTY && !process.env.NO_COLOR }),
  );
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(`npm run diff: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
