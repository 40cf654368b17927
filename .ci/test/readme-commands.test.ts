// .ci/run runs the README's test commands: each `npm test` or `npm run test:*` of the README's
// command table is a command line of .ci/run, as the README gives it (an environment variable
// before it, as `E2E_NODES=2`, and arguments after it, as `--ci`, allowed).
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** The README's test commands: the first cell of each table row, when it is one. */
function readmeTestCommands(readme: string): string[] {
  return [...readme.matchAll(/^\| `(npm test|npm run test:[\w:]+)` +\|/gm)].map((match) => match[1] ?? '');
}

/** The README test commands that no command line of `ciRun` runs. */
function notRunByCi(readme: string, ciRun: string): string[] {
  const lines = ciRun
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => !line.startsWith('#') && !line.startsWith('step '));
  return readmeTestCommands(readme).filter(
    (command) => !lines.some((line) => new RegExp(`^(\\w+=\\S+ +)*${command}( |$)`).test(line)),
  );
}

const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const ciRun = fs.readFileSync(path.join(root, '.ci/run'), 'utf8');

test('the README names its test commands in its table', () => {
  expect(readmeTestCommands(readme)).toEqual(expect.arrayContaining(['npm test', 'npm run test:e2e:faults']));
});

test('.ci/run runs every test command of the README', () => {
  expect(notRunByCi(readme, ciRun)).toEqual([]);
});

test('a README test command that .ci/run does not run is named, also when a step only mentions it', () => {
  const row = '| `npm run test:e2e:more`      | more |\n';
  const mentioned = `${ciRun}\n  step "more (npm run test:e2e:more)"\n  # npm run test:e2e:more\n`;
  expect(notRunByCi(`${readme}\n${row}`, mentioned)).toEqual(['npm run test:e2e:more']);
  expect(notRunByCi(`${readme}\n${row}`, `${ciRun}\n  E2E_X=1 npm run test:e2e:more --ci\n`)).toEqual([]);
});
