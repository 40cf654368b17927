// `sandbox-kit diff` (`npm run diff`): dist/ against a git ref or folder, field by field
// (kit/pkg/review/diff.ts).
import { diff } from '../pkg/review/diff';
import { UsageError } from '../pkg/common/usage';
import { runCommand } from './command';

const COMMAND = {
  prefix: 'npm run diff',
  usage: `usage: npm run diff -- [--markdown] [BASE [AFTER]]

Compares two sets of manifests: what applying AFTER over BASE changes.
AFTER is a folder or file of manifests; default dist (run \`npm run synth\` first; when the app's
sources changed since, the work tree is synthesized for this run).
BASE is a folder or file of manifests, or a git ref whose manifests are synthesized for this run;
default the merge base of HEAD with main (on main: HEAD). A BASE that is both (a branch named
dist): write ./dist for the folder, refs/heads/dist for the branch.
  --markdown   GitHub Markdown, for a pull request's job summary`,
  options: { markdown: { type: 'boolean', default: false } },
} as const;

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(argv, COMMAND, ({ values, positionals }) => {
    if (positionals.length > 2) {
      throw new UsageError(`give at most BASE and AFTER (got ${positionals.length} arguments)`);
    }
    const [base, after] = positionals;
    return diff({ base, after, markdown: values.markdown });
  });
}
