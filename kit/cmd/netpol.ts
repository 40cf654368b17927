// `sandbox-kit netpol` (`npm run netpol:enforced`): does the cluster of the current kubectl context
// enforce NetworkPolicy? (kit/pkg/netpol/enforced.ts).
import { netpolEnforced } from '../pkg/netpol/enforced';
import { UsageError } from '../pkg/common/usage';
import { runCommand } from './command';

const COMMAND = {
  // Every line of the probe begins so, its progress as its refusals.
  prefix: 'netpol:enforced',
  usage:
    'usage: npm run netpol:enforced -- [--timeout SECONDS] [--image IMAGE]   (default: --timeout 90 --image busybox:1.35.0)',
  options: { timeout: { type: 'string', default: '90' }, image: { type: 'string', default: 'busybox:1.35.0' } },
  // Anything that stops the probe is its third answer, "could not tell".
  failureCode: 3,
} as const;

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(argv, COMMAND, ({ values, positionals }) => {
    if (positionals.length > 0) {
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    }
    // Decimal digits only: Number() would also take 0x14, 1e2, 2e1, " 20" and "20.0".
    const timeoutSeconds = /^[0-9]+$/.test(values.timeout) ? Number(values.timeout) : NaN;
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 10 || timeoutSeconds > 3600) {
      throw new UsageError(
        `--timeout must be a whole number of seconds in 10-3600 (got ${JSON.stringify(values.timeout)})`,
      );
    }
    if (values.image === '') {
      throw new UsageError(`--image must name an image with sh, httpd and nc, such as busybox:1.35.0 (got "")`);
    }
    return netpolEnforced({ timeoutSeconds, image: values.image });
  });
}
