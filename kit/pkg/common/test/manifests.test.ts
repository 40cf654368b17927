// Reading manifests as `kubectl apply -f` reads them: which files of a folder, which documents
// of a file, and a List standing for its items.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadObjects, manifestFiles, parseManifests } from '../manifests';
import { makeTempDir, removeTempDir } from '../temp-dir';

let dir: string;
beforeEach(() => {
  dir = makeTempDir('k8s-sandbox-manifests-');
});
afterEach(() => removeTempDir(dir));

const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });

test('a folder: *.json, *.yaml and *.yml in name order, not other files, not subfolders', () => {
  for (const name of ['b.yml', 'a.json', 'c.yaml', 'd.txt', 'e.yaml.orig']) {
    fs.writeFileSync(path.join(dir, name), JSON.stringify(configMap(name)));
  }
  fs.mkdirSync(path.join(dir, 'sub.yaml'));
  expect(manifestFiles(dir).map((file) => path.basename(file))).toEqual(['a.json', 'b.yml', 'c.yaml']);
});

test('a file, whatever its name; nothing there, or no manifest, says what to do', () => {
  const file = path.join(dir, 'objects.txt');
  fs.writeFileSync(file, 'kind: ConfigMap\n');
  expect(manifestFiles(file)).toEqual([file]);
  expect(() => manifestFiles(path.join(dir, 'missing'))).toThrow(/missing does not exist: run `npm run synth` first/);
  fs.rmSync(file);
  expect(() => manifestFiles(dir)).toThrow(/holds no manifests \(\*\.json, \*\.yaml, \*\.yml\)/);
});

test('documents: empty ones skipped, a List stands for its items, JSON read as JSON', () => {
  const list = { apiVersion: 'v1', kind: 'List', items: [configMap('b'), configMap('c')] };
  const yaml = `---\n${JSON.stringify(configMap('a'))}\n---\n# nothing\n---\n${JSON.stringify(list)}\n`;
  expect(parseManifests(yaml, 'x.yaml').map((o) => (o.metadata as { name: string }).name)).toEqual(['a', 'b', 'c']);
  expect(parseManifests(JSON.stringify(list), 'x.json')).toHaveLength(2);
  // kubectl reads text that starts with `{` as JSON, and as YAML when it is not JSON (flow style).
  expect(parseManifests('{ kind: Pod }', 'x.json')).toEqual([{ kind: 'Pod' }]);
  expect(() => parseManifests('{ kind: Pod', 'x.json')).toThrow(/^x\.json: not JSON: /);
});

test('loadObjects names the file of every object', () => {
  fs.writeFileSync(path.join(dir, 'a.yaml'), `${JSON.stringify(configMap('a'))}\n`);
  expect(loadObjects(manifestFiles(dir))).toEqual([{ file: path.join(dir, 'a.yaml'), object: configMap('a') }]);
  expect(() => loadObjects([path.join(dir, 'gone.yaml')])).toThrow(
    /gone\.yaml: cannot read it \(it does not exist, or is a symbolic link to nothing, ENOENT\); a manifest must be a readable file/,
  );
});

test('a dangling link or a loop of links is listed and reported with its name, not a raw ELOOP', () => {
  fs.writeFileSync(path.join(dir, 'a.yaml'), `${JSON.stringify(configMap('a'))}\n`);
  fs.symlinkSync(path.join(dir, 'nowhere.yaml'), path.join(dir, 'dangling.yaml'));
  fs.symlinkSync(path.join(dir, 'loop.yaml'), path.join(dir, 'loop.yaml'));
  const files = manifestFiles(dir);
  expect(files.map((file) => path.basename(file))).toEqual(['a.yaml', 'dangling.yaml', 'loop.yaml']);
  expect(() => loadObjects([files[1]!])).toThrow(
    `${files[1]}: cannot read it (it does not exist, or is a symbolic link to nothing, ENOENT); a manifest must be a readable file`,
  );
  expect(() => loadObjects([files[2]!])).toThrow(
    `${files[2]}: cannot read it (a loop of symbolic links, ELOOP); a manifest must be a readable file`,
  );
});

test('a key given twice counts once, with its last value, as kubectl reads it; the caller hears of it', () => {
  const heard: [string, number][] = [];
  const text = 'kind: ConfigMap\nmetadata:\n  name: a\n  name: b\n';
  expect(parseManifests(text, 'x.yaml', (key, line) => heard.push([key, line]))).toEqual([
    { kind: 'ConfigMap', metadata: { name: 'b' } },
  ]);
  expect(heard).toEqual([['name', 4]]);
});

test('an alias bomb is refused with the file name and the limit', () => {
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++)
    levels.push(
      `${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(9)
        .fill(`*${'abcdefghij'[i - 1]}`)
        .join(', ')}]`,
    );
  expect(() => parseManifests(`${levels.join('\n')}\n`, 'bomb.yaml')).toThrow(
    /^bomb\.yaml: not read: .*alias.* \(at most 100 alias uses per document\)$/,
  );
});

test('a UTF-8 byte-order mark is skipped, in YAML and in JSON', () => {
  expect(parseManifests(`\uFEFF${JSON.stringify(configMap('j'))}`, 'bom.json')).toEqual([configMap('j')]);
  expect(parseManifests('\uFEFFapiVersion: v1\nkind: ConfigMap\n', 'bom.yaml')).toEqual([
    { apiVersion: 'v1', kind: 'ConfigMap' },
  ]);
});

test('YAML scalars as kubectl reads them (go-yaml v2: YAML 1.1 booleans and octal, no sexagesimal, no timestamps)', () => {
  const text = 'a: no\nb: On\nc: y\nd: 0755\ne: 1:20\nf: 2001-12-14\ng: "no"\n';
  expect(parseManifests(text, 'x.yaml')).toEqual([
    { a: false, b: true, c: true, d: 493, e: '1:20', f: '2001-12-14', g: 'no' },
  ]);
});

test('a .json file with several objects one after another is read as kubectl reads the stream', () => {
  const stream = `${JSON.stringify(configMap('a'))}\n${JSON.stringify(configMap('b{"}'))} ${JSON.stringify(configMap('c'))}`;
  expect(parseManifests(stream, 'x.json')).toEqual([configMap('a'), configMap('b{"}'), configMap('c')]);
  expect(() => parseManifests('{"kind": "Pod"} {"kind"', 'x.json')).toThrow(/^x\.json: not JSON: /);
});
