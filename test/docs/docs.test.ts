// The front door stays a front door: the README names every npm script in its table of commands,
// stays short, and every file path the docs name in code (`lib/charts.ts`) exists. Links are
// checked by `npm run lint:docs` (remark-validate-links); these are the paths it cannot see.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const DOCS = [
  'README.md',
  'SECURITY.md',
  'kit/README.md',
  ...['docs', 'kit/docs'].flatMap((dir) =>
    fs
      .readdirSync(path.join(root, dir))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `${dir}/${f}`),
  ),
];

/** The script names of the first column of the README's "## Commands" table. */
function commandsInReadme(readme: string): Set<string> {
  const section = readme.slice(readme.indexOf('## Commands'));
  const table = section.split('\n').filter((line, i) => i > 0 && line.startsWith('|'));
  const names = new Set<string>();
  for (const row of table.slice(2)) {
    const first = row.split('|')[1] ?? '';
    for (const [, code] of first.matchAll(/`([^`]+)`/g)) {
      const name = /^npm (?:run )?(\S+)/.exec(code!)?.[1] ?? code!;
      names.add(name);
    }
  }
  return names;
}

/** Backquoted text that names a file of the repository: under one of its folders, or a root file. */
function namedPaths(text: string): string[] {
  const folders = ['lib/', 'kit/', 'test/', 'docs/', '.ci/', '.github/', 'imports/', '__snapshots__/'];
  const rootFiles = fs.readdirSync(root).filter((f) => fs.statSync(path.join(root, f)).isFile());
  return [...text.matchAll(/`([^`\s<>*${}()]+)`/g)]
    .map(([, code]) => code!)
    .filter((code) => folders.some((folder) => code.startsWith(folder)) || rootFiles.includes(code));
}

test('the README has a row for every npm script', () => {
  const scripts = Object.keys(JSON.parse(read('package.json')).scripts as Record<string, string>);
  const named = commandsInReadme(read('README.md'));
  expect(scripts.filter((script) => !named.has(script))).toEqual([]);
});

test('the README is a front page: at most 150 lines', () => {
  expect(read('README.md').split('\n').length).toBeLessThanOrEqual(150);
});

test('a table without a script is found missing, and a shorthand in a row counts', () => {
  const readme =
    '## Commands\n\n| command | doc |\n| --- | --- |\n| `npm test` | x |\n| `npm run lint`, `lint:ts` | y |\n';
  expect([...commandsInReadme(readme)]).toEqual(['test', 'lint', 'lint:ts']);
});

test.each(DOCS)('every file path %s names exists', (doc) => {
  const missing = namedPaths(read(doc)).filter((named) => !fs.existsSync(path.join(root, named)));
  expect(missing).toEqual([]);
});

test('a path that does not exist is found', () => {
  expect(namedPaths('see `lib/charts.ts`, `kit/no-such.ts`, `npm test` and `dist/`')).toEqual([
    'lib/charts.ts',
    'kit/no-such.ts',
  ]);
});
