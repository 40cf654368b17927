// The require hook behind cdk8s.yaml's app command (`node -r ./kit/pkg/loader/ts-register.js main.ts`),
// which the kit's command (kit/cmd/sandbox-kit.js) registers before a subcommand's file
// (kit/cmd/NAME.ts), and under which `npm run synth` starts cdk8s-cli itself (caches 2 and 3
// below, for its modules).
// Like `node -r sucrase/register/ts`, it transpiles TypeScript with sucrase as each file loads,
// so synth never runs stale JavaScript. It is faster because it remembers, in
// node_modules/.cache/ts-register/ (the node_modules of the kit's dependencies: NODE_MODULES
// below), what does not change from one run to the next:
//   1. sucrase's output for each .ts file, keyed by a hash of its source (sucrase itself then
//      stays unloaded, and imports/k8s.ts, over 1 MB, is not transpiled on every synth);
//   2. V8's bytecode for each CommonJS module, keyed by a hash of its code, written when the
//      process exits so it holds what the run compiled (Node 20 has no compile cache of its
//      own: module.enableCompileCache() came in Node 22.1);
//   3. where `require` calls made from inside node_modules lead, dropped whenever npm changes
//      node_modules (npm rewrites node_modules/.package-lock.json on every install).
// Entries 1 and 2 are keyed by the text alone, not the path (neither output depends on it), so
// the copies of the project that `npm run diff` synthesizes in temp folders add no new entries.
// An edited file gets a new hash, so its old entries are never read again; delete the folder to
// reclaim the space. Each entry ends with a SHA-1 of what precedes it, written last: an entry
// cut short or garbled (a crash, a full disk, a power loss) fails the check and is rebuilt.
// TS_REGISTER_CACHE_DIR moves the cache (for tests). Numbers and the benchmark: docs/benchmarks.md.
// Kept over tsx 4.23.15 (`node -r tsx/cjs`), which costs more CPU (whole-process medians of 10 runs, warm caches: the app command 0.43 against 1.11 s, cdk8s synth 2.23 against 2.81 s).
'use strict';
const { Buffer } = require('node:buffer');
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

// The node_modules folder that holds the kit's dependencies: the caches live in it, and npm
// rewrites its .package-lock.json on every install. For the kit installed as a package
// (PROJECT/node_modules/k8s-sandbox-kit), the one it is installed in; for the kit as a folder of
// its own (this repository's workspace, or a checkout linked in), the one Node finds the kit's
// sucrase in.
const KIT_DIR = path.resolve(__dirname, '..', '..');
const INSTALLED_IN = KIT_DIR.lastIndexOf(`${path.sep}node_modules${path.sep}`);
const NODE_MODULES =
  INSTALLED_IN === -1
    ? path.dirname(path.dirname(require.resolve('sucrase/package.json')))
    : KIT_DIR.slice(0, INSTALLED_IN + `${path.sep}node_modules`.length);
const CACHE_DIR = process.env.TS_REGISTER_CACHE_DIR || path.join(NODE_MODULES, '.cache', 'ts-register');
// V8 rejects bytecode made under other flags, and flags such as --conditions change resolution.
const NODE_KEY = `${process.version} ${process.arch} ${process.execArgv} ${process.env.NODE_OPTIONS ?? ''}`;

function cacheName(kind, ...parts) {
  const hash = crypto.createHash('sha1').update(`${kind} ${NODE_KEY}`);
  parts.forEach((part) => hash.update(`\0${part}`));
  return hash.digest('hex');
}

const CHECKSUM_BYTES = 20; // SHA-1

/** The entry `name`, or undefined when it is missing or fails its checksum. */
function readCache(name) {
  let data;
  try {
    data = fs.readFileSync(path.join(CACHE_DIR, name));
  } catch {
    return undefined;
  }
  if (data.length < CHECKSUM_BYTES) {
    return undefined;
  }
  const body = data.subarray(0, data.length - CHECKSUM_BYTES);
  const checksum = crypto.createHash('sha1').update(body).digest();
  return checksum.equals(data.subarray(body.length)) ? body : undefined;
}

function writeCache(name, data) {
  // A cache that cannot be written only makes the next run slower; it must never fail synth.
  // Written under a temporary name then renamed, so that a concurrent synth never reads half a
  // file; the checksum goes last, so a write cut short never passes readCache.
  const partial = path.join(CACHE_DIR, `${name}.${process.pid}.tmp`);
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const body = Buffer.from(data);
    fs.writeFileSync(partial, Buffer.concat([body, crypto.createHash('sha1').update(body).digest()]));
    fs.renameSync(partial, path.join(CACHE_DIR, name));
  } catch {
    try {
      fs.rmSync(partial, { force: true });
    } catch {
      // A stray .tmp file is never read (entries are read by name): it must not fail synth either.
    }
  }
}

// 1. TypeScript, transpiled by sucrase as `sucrase/register/ts` does (its line numbers match the source).
const SUCRASE_VERSION = require('sucrase/package.json').version;
const TRANSFORM_OPTIONS = { transforms: ['imports', 'typescript'] };
let sucrase;

/** The cache entry of sucrase's output for `source` under `options` (filePath aside: it changes no output). */
function transformCacheName(source, options) {
  return `${cacheName(`sucrase ${SUCRASE_VERSION}`, JSON.stringify(options), source)}.js`;
}

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const name = transformCacheName(source, TRANSFORM_OPTIONS);
  let code = readCache(name)?.toString('utf8');
  if (code === undefined) {
    sucrase ??= require('sucrase');
    code = sucrase.transform(source, { ...TRANSFORM_OPTIONS, filePath: filename }).code;
    writeCache(name, code);
  }
  module._compile(code, filename);
};

// 2. V8 bytecode. Module.prototype._compile is Node's own, less what this app never uses
// (policies, --inspect-brk; ES modules go to Node's), plus cachedData.
const compiled = []; // [cache name, vm.Script] of modules compiled without a usable cache entry
const nodeCompile = Module.prototype._compile;
Module.prototype._compile = function compileWithCache(content, filename, format) {
  if (format !== undefined && format !== 'commonjs') {
    return nodeCompile.call(this, content, filename, format);
  }
  const name = `${cacheName('v8', content)}.v8`;
  const cachedData = readCache(name);
  let script;
  try {
    script = new vm.Script(Module.wrap(content), {
      filename,
      cachedData,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
  } catch {
    // A hashbang line, ES module syntax or a real syntax error: Node handles and reports it.
    return nodeCompile.call(this, content, filename, format);
  }
  if (cachedData === undefined || script.cachedDataRejected) {
    compiled.push([name, script]);
  }
  const wrapper = script.runInThisContext({ displayErrors: true });
  return wrapper.call(this.exports, this.exports, makeRequire(this), this, filename, path.dirname(filename));
};

/** The `require` that Node gives a CommonJS module. */
function makeRequire(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

// 3. Resolution from inside node_modules, while npm's record of it (.package-lock.json) stays
// the same. Requests from the project's own files always go to Node.
const npmState = fs.statSync(path.join(NODE_MODULES, '.package-lock.json'), { throwIfNoEntry: false });
const resolutionsName = `${cacheName('resolutions', process.env.NODE_PATH, npmState?.size, npmState?.mtimeMs)}.json`;
let resolutions = {};
let resolutionsChanged = false;
if (npmState) {
  try {
    resolutions = JSON.parse(readCache(resolutionsName)?.toString('utf8') ?? '{}');
  } catch {
    // unreadable: start afresh
  }
  const nodeResolve = Module._resolveFilename;
  Module._resolveFilename = function resolveWithCache(request, parent, isMain, options) {
    const fromNodeModules = parent?.filename?.startsWith(NODE_MODULES + path.sep);
    if (!fromNodeModules || isMain || options !== undefined) {
      return nodeResolve.call(this, request, parent, isMain, options);
    }
    const key = `${parent.filename}\0${request}`;
    let resolved = resolutions[key];
    // An entry is used only while the file it names exists (a package removed by hand, outside
    // npm, would otherwise fail the require); builtins such as `fs` are not paths.
    if (resolved === undefined || (path.isAbsolute(resolved) && !fs.existsSync(resolved))) {
      resolved = nodeResolve.call(this, request, parent, isMain, options);
      resolutions[key] = resolved;
      resolutionsChanged = true;
    }
    return resolved;
  };
}

process.once('exit', () => {
  for (const [name, script] of compiled) {
    writeCache(name, script.createCachedData());
  }
  if (resolutionsChanged) {
    writeCache(resolutionsName, JSON.stringify(resolutions));
  }
});

// For the tests: where the cache is and how an entry is named.
module.exports = { CACHE_DIR, transformCacheName };
