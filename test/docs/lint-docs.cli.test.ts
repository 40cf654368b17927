// `npm run lint:docs` (remark-validate-links, configured in .remarkrc.json) fails on a link to a
// file or a heading that is not there, offline, and passes when every link resolves.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDir } from 'k8s-sandbox-kit/testing';

const root = path.resolve(__dirname, '../..');
let dir: string;
beforeEach(() => {
  dir = makeTempDir('k8s-sandbox-lint-docs-');
  fs.copyFileSync(path.join(root, '.remarkrc.json'), path.join(dir, '.remarkrc.json'));
  // remark loads its plugins from beside the configuration.
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  fs.mkdirSync(path.join(dir, 'docs'));
  fs.writeFileSync(path.join(dir, 'docs/deploy.md'), '# Deploy\n\n## Restore\n');
});
afterEach(() => {
  removeTempDir(dir);
});

function lintDocs(readme: string) {
  fs.writeFileSync(path.join(dir, 'README.md'), readme);
  return spawnSync(
    path.join(root, 'node_modules/.bin/remark'),
    ['--frail', '--quiet', '--no-stdout', '--no-color', 'README.md', 'docs'],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );
}

test('every link resolves: exit 0, nothing printed', () => {
  const result = lintDocs('[deploy](docs/deploy.md#restore), [site](https://cdk8s.io)\n');
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});

test('a missing file and a missing heading fail, each named', () => {
  const result = lintDocs('[dev](docs/dev.md) and [rollback](docs/deploy.md#rollback)\n');
  expect(result.stderr).toContain('Cannot find file `docs/dev.md`');
  expect(result.stderr).toContain('Cannot find heading for `#rollback` in `docs/deploy.md`');
  expect(result.status).toBe(1);
});
