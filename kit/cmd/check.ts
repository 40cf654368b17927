// `sandbox-kit check` (`npm run check`): the manifest gates on dist/ or the PATHs named
// (kit/pkg/check/check.ts).
import { check } from '../pkg/check/check';
import { UsageError } from '../pkg/common/usage';
import { runCommand } from './command';

const COMMAND = {
  // Every line of the check begins so, its gates' as its refusals.
  prefix: 'check',
  usage:
    'usage: npm run check -- [PATH...] [-R] [--allow-privileged=false]   (PATH: a folder, file or pipe of ' +
    'manifests, default dist; -R, --recursive: subfolders too, as kubectl apply -f PATH -R; ' +
    "--allow-privileged=true|false: kube-apiserver's flag for the api-server gate, default true, as kubeadm sets it)",
  options: {
    recursive: { type: 'boolean', short: 'R', default: false },
    'allow-privileged': { type: 'string', default: 'true' },
  },
  // A check that could not run at all, as a gate that could not: exit 2 (1 says findings).
  failureCode: 2,
} as const;

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(argv, COMMAND, ({ values, positionals }) => {
    const allowPrivileged = values['allow-privileged'];
    if (allowPrivileged !== 'true' && allowPrivileged !== 'false') {
      throw new UsageError(`--allow-privileged takes true or false (got ${allowPrivileged})`);
    }
    return check({ paths: positionals, recursive: values.recursive, allowPrivileged: allowPrivileged === 'true' });
  });
}
