// kit/lab/e2e/corpus-modules.ts as a command: it writes corpus-sources.json only when asked with
// --write, and refuses anything else before it reads a module.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');

test('without --write it refuses, naming the one argument and the usage, and writes nothing', () => {
  const result = spawnSync(
    'node',
    ['-r', './kit/pkg/loader/ts-register.js', 'kit/lab/e2e/corpus-modules.ts', '--dry'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe(
    `corpus-modules: --write is the one argument (it rewrites ${path.join(ROOT, 'kit/lab/e2e/corpus-sources.json')})\n` +
      'usage: node -r ./kit/pkg/loader/ts-register.js kit/lab/e2e/corpus-modules.ts --write\n',
  );
});
