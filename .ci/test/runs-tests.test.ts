// No step of CI runs a test runner that can close on "no tests": CI reads the closing lines of
// known runners, and one `[no tests to run]`, `no test files` or "No tests found" marks the whole
// run as one that executed no test, however many ran beside it. This reads the commands .ci/run
// runs (its own lines and the package.json scripts it calls) and refuses:
//   - `go test` whose -run pattern matches none of the Test functions of the package it names, or
//     a package with no _test.go file (go test prints `[no tests to run]` / `[no test files]`);
//   - Jest's --passWithNoTests, which turns an empty selection into a pass.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** Every command line CI runs: .ci/run's lines, and each package.json script (npm run calls them). */
function ciCommands(ciRun: string, scripts: Readonly<Record<string, string>>): string[] {
  const lines = ciRun
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  return [
    ...lines,
    ...Object.values(scripts).flatMap((script) => script.split(/&&|;|\|\|/).map((part) => part.trim())),
  ];
}

/** Shell words, with single and double quotes removed (enough for the commands of CI). */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

/** The Test functions of the Go package in `dir`: empty when it has no _test.go file. */
function goTests(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('_test.go'))
    .flatMap((file) => [...fs.readFileSync(path.join(dir, file), 'utf8').matchAll(/^func (Test\w*)\(/gm)])
    .map((match) => match[1] ?? '');
}

/** Why `command` would print a "no tests" line, or undefined when it runs tests (or is no test run). */
export function noTestReason(command: string, base: string): string | undefined {
  const argv = words(command);
  if (argv.includes('--passWithNoTests')) {
    return `\`${command}\`: --passWithNoTests lets an empty selection pass, and Jest then prints "No tests found"`;
  }
  const go = argv.indexOf('go');
  if (go < 0 || !argv.includes('test')) return undefined;
  const args = argv.slice(go + 1);
  if (args[args.indexOf('test') - 1] === 'tool') return undefined;
  const cIndex = args.indexOf('-C');
  const dir = cIndex >= 0 ? path.resolve(base, args[cIndex + 1] ?? '.') : base;
  const runIndex = args.indexOf('-run');
  const pattern = runIndex >= 0 ? args[runIndex + 1] : undefined;
  const packages = args.slice(args.indexOf('test') + 1).filter((arg, i, all) => {
    const previous = all[i - 1];
    return !arg.startsWith('-') && !(previous !== undefined && ['-run', '-C', '-count', '-timeout'].includes(previous));
  });
  for (const pkg of packages.length > 0 ? packages : ['.']) {
    if (pkg.includes('...')) {
      return `\`${command}\`: a package pattern (${pkg}) prints "[no test files]" for each package without tests; name the packages that have them`;
    }
    const tests = goTests(path.resolve(dir, pkg));
    if (tests.length === 0) {
      return `\`${command}\`: ${path.relative(base, path.resolve(dir, pkg)) || '.'} has no _test.go file, so go test prints "[no test files]"`;
    }
    if (pattern !== undefined && !tests.some((name) => new RegExp(pattern).test(name))) {
      return `\`${command}\`: -run '${pattern}' matches none of ${tests.join(', ')}, so go test prints "[no tests to run]"`;
    }
  }
  return undefined;
}

const ciRun = fs.readFileSync(path.join(root, '.ci/run'), 'utf8');
const { scripts } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

test('no command of CI can close on "no tests"', () => {
  const reasons = ciCommands(ciRun, scripts)
    .map((command) => noTestReason(command, root))
    .filter((reason) => reason !== undefined);
  expect(reasons).toEqual([]);
});

test('CI runs go test where Go tests are', () => {
  const goTestCommands = ciCommands(ciRun, scripts).filter((command) => /\bgo\b.*\btest\b/.test(command));
  expect(goTestCommands.some((command) => command.includes('kit/go/deploy'))).toBe(true);
  expect(goTests(path.join(root, 'kit/go/deploy'))).toEqual(expect.arrayContaining(['TestRule']));
});

test.each([
  ["go -C kit/go/deploy test -run '^$' .", /-run '\^\$' matches none of TestRule, TestReasons, TestUnschedulable/],
  ['go -C kit/go/deploy test -run xxx .', /-run 'xxx' matches none of/],
  ['go -C kit/go/check test .', /kit\/go\/check has no _test.go file, so go test prints "\[no test files\]"/],
  ['go -C kit/go/deploy test ./...', /a package pattern \(\.\/\.\.\.\) prints "\[no test files\]"/],
  ['jest --selectProjects app --passWithNoTests', /--passWithNoTests lets an empty selection pass/],
])('refused, with its reason: %s', (command, reason) => {
  expect(noTestReason(command, root)).toMatch(reason);
});

test.each([
  'go -C kit/go/deploy test -trimpath -count=1 .',
  "go -C kit/go/deploy test -run 'TestRule|TestReasons' .",
  'go -C .ci/go tool actionlint -version',
  'jest --selectProjects app app-cli',
])('taken: %s', (command) => {
  expect(noTestReason(command, root)).toBeUndefined();
});
