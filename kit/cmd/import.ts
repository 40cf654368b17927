// `sandbox-kit import` (`npm run import`): `cdk8s import` of cdk8s.yaml's imports, offline from a
// schema file when one is named (kit/pkg/import/import.ts).
import { importSchemas } from '../pkg/import/import';
import { UsageError } from '../pkg/common/usage';
import { runCommand } from './command';

const COMMAND = {
  prefix: 'npm run import',
  usage:
    'usage: npm run import -- [SCHEMA_FILE]   (SCHEMA_FILE, or K8S_SCHEMA_FILE in the environment: the ' +
    "Kubernetes API's _definitions.json of the pinned version, read instead of downloaded)",
  options: {},
} as const;

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(argv, COMMAND, ({ positionals }) => {
    if (positionals.length > 1) {
      throw new UsageError(`give at most one SCHEMA_FILE (got ${positionals.length})`);
    }
    return importSchemas({ schemaFile: positionals[0] ?? (process.env.K8S_SCHEMA_FILE || undefined) });
  });
}
