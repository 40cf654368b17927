// `sandbox-kit diagram` (`npm run diagram`): the Mermaid picture of dist/ in the project's docs
// (kit/pkg/review/diagram.ts).
import { diagram } from '../pkg/review/diagram';
import { UsageError } from '../pkg/common/usage';
import { runCommand } from './command';

const COMMAND = {
  prefix: 'npm run diagram',
  usage: 'usage: npm run diagram -- [--check] [PATH]   (PATH: manifests to draw; default dist)',
  options: { check: { type: 'boolean', default: false } },
} as const;

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(argv, COMMAND, ({ values, positionals }) => {
    if (positionals.length > 1) {
      throw new UsageError(`give at most one PATH (got ${positionals.length})`);
    }
    return diagram({ path: positionals[0], check: values.check });
  });
}
