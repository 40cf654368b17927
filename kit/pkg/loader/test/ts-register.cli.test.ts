// kit/pkg/loader/ts-register.js, the loader behind cdk8s.yaml's app command, caches transpiled and
// compiled code between runs. Its promises: an edited file is never run stale, even when the
// edit keeps the file's size and modification time; a damaged cache entry is rebuilt, never run.
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDir } from '../../common/temp-dir';

const root = path.resolve(__dirname, '../../../..');
let dir: string;
let cache: string;

beforeEach(() => {
  dir = makeTempDir('k8s-sandbox-ts-register-');
  cache = path.join(dir, 'cache');
});
afterEach(() => removeTempDir(dir));

/** Runs `entry` with the loader, as cdk8s.yaml's app command does, on a cache of its own. */
function runLoader(entry: string) {
  return spawnSync('node', ['-r', './kit/pkg/loader/ts-register.js', entry], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TS_REGISTER_CACHE_DIR: cache },
  });
}

/** Runs `entry` with the loader; returns what it printed, failing on any error. */
function run(entry: string): string {
  const result = runLoader(entry);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

/** Rewrites `file` with `text`, keeping its modification time. */
function rewriteKeepingMtime(file: string, text: string): void {
  const { atime, mtime } = fs.statSync(file);
  fs.writeFileSync(file, text);
  fs.utimesSync(file, atime, mtime);
}

test('an edited .ts file and an edited .js module it requires are run afresh', () => {
  const entry = path.join(dir, 'entry.ts');
  const helper = path.join(dir, 'helper.js');
  fs.writeFileSync(
    entry,
    "import { suffix } from './helper';\nconst value: string = 'aaaa';\nconsole.log(value + suffix);\n",
  );
  fs.writeFileSync(helper, "exports.suffix = '-1';\n");

  expect(run(entry)).toBe('aaaa-1\n');
  expect(run(entry)).toBe('aaaa-1\n'); // now from the cache

  rewriteKeepingMtime(entry, fs.readFileSync(entry, 'utf8').replace('aaaa', 'bbbb'));
  expect(run(entry)).toBe('bbbb-1\n');

  rewriteKeepingMtime(helper, "exports.suffix = '-2';\n");
  expect(run(entry)).toBe('bbbb-2\n');
});

test('a type error does not stop synth (tsc checks types), a syntax error does, with its location', () => {
  const entry = path.join(dir, 'broken.ts');
  fs.writeFileSync(entry, "const n: number = 'not a number';\nconsole.log(n);\n");
  expect(run(entry)).toBe('not a number\n');

  fs.writeFileSync(entry, 'const = ;\n');
  const result = runLoader(entry);
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain('broken.ts');
});

describe('a damaged cache entry is rebuilt, not run', () => {
  const source = "const greeting: string = 'hello';\nconsole.log(greeting);\n";

  test.each<[string, (entry: Buffer) => Buffer]>([
    ['empty', () => Buffer.alloc(0)],
    ['cut short', (entry) => entry.subarray(0, Math.floor(entry.length / 2))],
    ['garbled', (entry) => Buffer.from(entry.toString('latin1').replace(/greeting/g, 'gr(((ing'), 'latin1')],
  ])('%s', (_, damage) => {
    const entry = path.join(dir, 'entry.ts');
    fs.writeFileSync(entry, source);
    expect(run(entry)).toBe('hello\n');
    const entries = fs.readdirSync(cache);
    expect(entries.filter((name) => name.endsWith('.js'))).toHaveLength(1);
    for (const name of entries) {
      const file = path.join(cache, name);
      fs.writeFileSync(file, damage(fs.readFileSync(file)));
    }

    expect(run(entry)).toBe('hello\n');
    // Rebuilt: the next run finds intact entries again.
    expect(run(entry)).toBe('hello\n');
    expect(fs.readdirSync(cache).sort()).toEqual([...entries].sort());
  });
});

test('an entry is keyed by the transform options too', () => {
  const names = spawnSync(
    'node',
    [
      '-e',
      "const { transformCacheName } = require('./kit/pkg/loader/ts-register.js'); console.log(" +
        "transformCacheName('x', { transforms: ['imports', 'typescript'] }), transformCacheName('x', { transforms: ['typescript'] }))",
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, TS_REGISTER_CACHE_DIR: cache } },
  )
    .stdout.trim()
    .split(' ');
  expect(names).toHaveLength(2);
  expect(names[0]).not.toBe(names[1]);
});

test('a cache that cannot be written leaves no temporary file, and synth still runs', () => {
  const entry = path.join(dir, 'entry.ts');
  fs.writeFileSync(entry, "console.log('ok');\n");
  expect(run(entry)).toBe('ok\n');
  // A folder where each entry should go makes every rename fail.
  for (const name of fs.readdirSync(cache)) {
    fs.rmSync(path.join(cache, name));
    fs.mkdirSync(path.join(cache, name, 'blocker'), { recursive: true });
  }
  expect(run(entry)).toBe('ok\n');
  expect(fs.readdirSync(cache).filter((name) => name.endsWith('.tmp'))).toEqual([]);
});

test('a remembered resolution whose file is gone is resolved afresh', () => {
  const entry = path.join(dir, 'entry.ts');
  // yaml's own requires, from inside node_modules, are the ones the loader remembers.
  const yaml = JSON.stringify(path.join(root, 'node_modules/yaml'));
  fs.writeFileSync(entry, `const { parse } = require(${yaml});\nconsole.log(parse('a: 1').a);\n`);
  expect(run(entry)).toBe('1\n');
  // The one .json entry: where requests from inside node_modules led, then its SHA-1.
  const [name] = fs.readdirSync(cache).filter((file) => file.endsWith('.json'));
  const file = path.join(cache, name!);
  const data = fs.readFileSync(file);
  const resolutions = JSON.parse(data.subarray(0, data.length - 20).toString('utf8')) as Record<string, string>;
  const moved = Object.keys(resolutions).filter((key) => path.isAbsolute(resolutions[key]!));
  expect(moved.length).toBeGreaterThan(0);
  for (const key of moved) {
    resolutions[key] = path.join(dir, 'gone', path.basename(resolutions[key]!));
  }
  const body = Buffer.from(JSON.stringify(resolutions));
  fs.writeFileSync(file, Buffer.concat([body, crypto.createHash('sha1').update(body).digest()]));

  expect(run(entry)).toBe('1\n');
});

describe("the cache folder, in the node_modules of the kit's dependencies", () => {
  /** The loader's CACHE_DIR as `loader` computes it, run from `cwd`, TS_REGISTER_CACHE_DIR unset. */
  function cacheDirOf(loader: string, cwd: string): string {
    const env = { ...process.env };
    delete env.TS_REGISTER_CACHE_DIR;
    const code = `console.log(require(${JSON.stringify(loader)}).CACHE_DIR)`;
    const result = spawnSync('node', ['-e', code], { cwd, encoding: 'utf8', env });
    expect(result.stderr).toBe('');
    return result.stdout.trim();
  }

  test("the kit as this repository's workspace: the repository's node_modules", () => {
    expect(cacheDirOf(path.join(root, 'kit/pkg/loader/ts-register.js'), dir)).toBe(
      path.join(root, 'node_modules/.cache/ts-register'),
    );
  });

  test('the kit installed as a package of a project: the node_modules it is installed in, wherever it runs from', () => {
    const project = path.join(dir, 'project');
    const loader = path.join(project, 'node_modules/k8s-sandbox-kit/pkg/loader/ts-register.js');
    fs.mkdirSync(path.dirname(loader), { recursive: true });
    fs.copyFileSync(path.join(root, 'kit/pkg/loader/ts-register.js'), loader);
    fs.symlinkSync(path.join(root, 'node_modules/sucrase'), path.join(project, 'node_modules/sucrase'));
    expect(cacheDirOf(loader, dir)).toBe(path.join(project, 'node_modules/.cache/ts-register'));
    // And it caches there: a .ts file run under it leaves its entries.
    const entry = path.join(project, 'entry.ts');
    fs.writeFileSync(entry, "const n: number = 1;\nconsole.log('ok', n);\n");
    const env = { ...process.env };
    delete env.TS_REGISTER_CACHE_DIR;
    const result = spawnSync('node', ['-r', loader, entry], { cwd: project, encoding: 'utf8', env });
    expect(result.stdout).toBe('ok 1\n');
    expect(fs.readdirSync(path.join(project, 'node_modules/.cache/ts-register')).length).toBeGreaterThan(0);
  });
});
