// `sandbox-kit docs-api` (`npm run docs:api`): docs/api.md, the API reference of the app from its
// doc comments (kit/pkg/docs/api.ts).
import { writeApiReference } from '../pkg/docs/api';
import { UsageError } from '../pkg/common/usage';
import { runCommand } from './command';

const COMMAND = {
  prefix: 'npm run docs:api',
  usage: 'usage: npm run docs:api -- [--check]   (--check: write nothing; exit 1 when docs/api.md is stale)',
  options: { check: { type: 'boolean', default: false } },
} as const;

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(argv, COMMAND, ({ values, positionals }) => {
    if (positionals.length > 0) {
      throw new UsageError(`takes no argument (got ${positionals.join(' ')})`);
    }
    return writeApiReference({ check: values.check });
  });
}
