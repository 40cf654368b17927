// `npm run diff -- [--markdown] [BASE [AFTER]]`: what applying one directory of manifests over
// another changes. AFTER is a folder or file of manifests, default dist/ (`npm run synth` writes
// it). BASE is one too, or a git ref whose manifests are synthesized into a temp folder for this
// run (default: the merge base with main). Prints, per object, what was added, removed and
// changed, flagging what `kubectl apply` cannot change in place and what is risky. Writes nothing;
// exits 0 whatever the diff holds.
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { KubeObject } from '../common/kube';
import { readManifests } from '../common/manifests';
import { diffManifests } from './manifest-diff';
import { markdownReport, textReport } from './report';
import { type BaseRef, defaultBase, resolveRef, synthesizeAt } from './synth';
import { runMain } from '../common/process';
import { withTempDir } from '../common/temp-dir';

const USAGE = `usage: npm run diff -- [--markdown] [BASE [AFTER]]

Compares two sets of manifests: what applying AFTER over BASE changes.
AFTER is a folder or file of manifests; default dist (run \`npm run synth\` first).
BASE is a folder or file of manifests, or a git ref whose manifests are synthesized for this run;
default the merge base of HEAD with main (on main: HEAD).
  --markdown   GitHub Markdown, for a pull request's job summary`;

/** The manifests at `ref`, synthesized into a temp folder that is gone when this returns. */
async function manifestsAt(projectDir: string, base: BaseRef): Promise<{ objects: KubeObject[]; notes: string[] }> {
  return withTempDir('k8s-sandbox-diff-base-', async (outdir) => {
    const { notes } = await synthesizeAt(projectDir, base.commit, outdir);
    // A commit without an app, or with no chart, deploys nothing.
    return { objects: fs.readdirSync(outdir).length === 0 ? [] : readManifests(outdir), notes };
  });
}

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
  if (positionals.length > 2) {
    console.error(`give at most BASE and AFTER (got ${positionals.length} arguments)\n\n${USAGE}`);
    return 2;
  }
  const [baseArg, afterDir = 'dist'] = positionals;

  // The work tree's manifests first: a missing dist/ is reported before any synth runs.
  const after = readManifests(afterDir);
  let before: { objects: KubeObject[]; notes: string[] };
  let beforeLabel: string;
  if (baseArg !== undefined && fs.existsSync(baseArg)) {
    before = { objects: readManifests(baseArg), notes: [] };
    beforeLabel = baseArg;
  } else {
    // The project is the folder it runs in, as `npm run` runs it: any project with a cdk8s.yaml.
    const projectDir = process.cwd();
    const base = baseArg === undefined ? await defaultBase(projectDir) : await resolveRef(projectDir, baseArg);
    console.error(`synthesizing ${base.label} ...`);
    before = await manifestsAt(projectDir, base);
    beforeLabel = base.label;
  }

  const diff = diffManifests(before.objects, after);
  const report = { before: beforeLabel, after: afterDir, notes: before.notes };
  process.stdout.write(
    values.markdown
      ? markdownReport(diff, report)
      : textReport(diff, { ...report, color: process.stdout.isTTY && !process.env.NO_COLOR }),
  );
  return 0;
}

runMain('npm run diff', () => main(process.argv.slice(2)));
