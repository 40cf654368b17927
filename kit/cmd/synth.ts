// `sandbox-kit synth` (`npm run synth`): `cdk8s synth` into dist/ (or --output DIR), guarded and
// stamped with its sources (kit/pkg/synth/synth.ts). `cdk8s synth` itself still works; it only
// lacks the guards and the stamp.
import { CDK8S_SYNTH_OPTIONS, synth } from '../pkg/synth/synth';
import { UsageError } from '../pkg/common/usage';
import { runCommand } from './command';

/** cdk8s synth's options by name, `--app/-a, --output/-o, ...`, wrapped to lines of the usage. */
function optionNames(): string {
  const names = Object.entries(CDK8S_SYNTH_OPTIONS).map(
    ([name, option]) => `--${name}${'short' in option ? `/-${option.short}` : ''}`,
  );
  const lines = [''];
  for (const name of names) {
    const last = lines.length - 1;
    if (lines[last]!.length + name.length > 90) lines.push('');
    lines[lines.length - 1] += `${lines[lines.length - 1] === '' ? '  ' : ' '}${name},`;
  }
  return lines.join('\n').replace(/,$/, '');
}

const COMMAND = {
  prefix: 'npm run synth',
  usage: `usage: npm run synth -- [OPTION...]
  OPTION: one of cdk8s synth's (what each does: npx cdk8s synth --help), passed on to it:
${optionNames()}
  The output folder (--output, else cdk8s.yaml's output:, else dist) is replaced only by a synth
  that passed, and only when it holds nothing but what npm run synth wrote there.`,
  options: CDK8S_SYNTH_OPTIONS,
} as const;

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(argv, COMMAND, ({ values, positionals }) => {
    if (positionals.length > 0) {
      throw new UsageError(`cdk8s synth takes no argument but its options (got ${positionals.join(' ')})`);
    }
    return synth(process.cwd(), values);
  });
}
