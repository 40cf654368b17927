// `npm run check` reads manifests as kubectl reads them (kube-rules read: k8s.io/cli-runtime's own
// path expansion and decoder), on manifests written as others write them (the fixture folders
// under read/, one per case): every gate checks kubectl's objects, a file kubectl cannot read is
// one finding, and where the project's own reader reads a value otherwise, that is a finding
// naming both readings.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDir } from '../../common/temp-dir';

const root = path.resolve(__dirname, '../../../..');
const fixture = (name: string) => path.relative(root, path.join(__dirname, 'read', name));

function check(...args: string[]) {
  return spawnSync('node', ['kit/cmd/sandbox-kit.js', 'check', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}

const lines = (stdout: string) => stdout.trim().split('\n');

let tmp: string;
beforeEach(() => {
  tmp = makeTempDir('k8s-sandbox-kubectl-read-');
});
afterEach(() => removeTempDir(tmp));

test("\\' in double quotes: kubectl reads it, the project's reader does not; one finding, every file still checked", () => {
  const dir = fixture('escape');
  const result = check(dir);
  expect(lines(result.stdout)).toEqual(
    expect.arrayContaining([
      `read: ${dir}/escape.yaml: the project's reader cannot read it (not YAML: Invalid escape sequence \\' at line 9, column 16); kubectl reads 1 object`,
      // kubectl's reading of the file is checked by the gates,
      expect.stringMatching(
        new RegExp(
          `^api-server 1\\.\\d+\\.\\d+: ${dir}/escape\\.yaml ConfigMap/escaped: metadata\\.labels: Invalid value: "front end"`,
        ),
      ),
      // and so is the other file.
      `schema 1.27.0: ${dir}/other.yaml ConfigMap/other: additional properties 'dataa' not allowed`,
    ]),
  );
  expect(result.stderr).toContain(`check: 2 objects in 2 files of ${dir}\n`);
  expect(result.stderr).not.toContain('could not run');
  expect(result.status).toBe(1);
});

test('flow style, as the Kubernetes docs write it, is read by every gate, kube-score too', () => {
  const dir = fixture('flow');
  const result = check(dir);
  expect(lines(result.stdout)).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^pod-security: .*flow\.yaml Deployment\/web: spec\.template\.spec: runAsNonRoot != true/),
      `kube-score: ${dir}/flow.yaml Deployment/web: web: CRITICAL container-resources: CPU limit is not set (Resource limits are recommended to avoid resource DDOS. Set resources.limits.cpu)`,
    ]),
  );
  expect(result.stdout).not.toMatch(/^read: /m);
  expect(result.stderr).toMatch(/check: schema 1\.27\.0: ok .*\n.*check: schema 1\.\d+\.\d+: ok /s);
  expect(result.stderr).not.toContain('could not run');
  expect(result.status).toBe(1);
});

test.each(['empty', 'comment-only'])('%s: no objects passed to apply, in kubectl words, exit 2', (name) => {
  const dir = fixture(name);
  const file = path.join(dir, fs.readdirSync(path.join(root, dir))[0]!);
  // The one file is named, given as it is or in its folder.
  for (const given of [file, dir]) {
    const result = check(given);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `check: error: no objects passed to apply (as kubectl apply -f says it: ${file} holds none); ` +
        'name folders or files of Kubernetes manifests, or run `npm run synth` first\n',
    );
    expect(result.status).toBe(2);
  }
});

test('a document on the separator line: kubectl refuses the file, one finding in its words', () => {
  const file = `${fixture('separator')}/separator.yaml`;
  const result = check(file);
  expect(result.stdout).toBe(
    `read: ${file}: kubectl: error parsing ${file}: invalid Yaml document separator: {apiVersion: v1, kind: ConfigMap, metadata: {name: on-the-line}}\n`,
  );
  expect(result.status).toBe(1);
});

test('a number-like scalar: a finding naming both readings, the key and the value; the gates check the number', () => {
  const file = `${fixture('number-like')}/numbers.yaml`;
  const result = check(file);
  expect(lines(result.stdout)).toEqual(
    expect.arrayContaining([
      `read: ${file} ConfigMap/numbers: metadata.labels: the project reads the key "0X1F", kubectl reads the key "31"`,
      `read: ${file} ConfigMap/numbers: data.size: the project reads "0X1F", kubectl reads 31`,
      `schema 1.27.0: ${file} ConfigMap/numbers: data.size: got number, want string`,
    ]),
  );
  expect(result.status).toBe(1);
});

test('a key given twice: kubectl takes the last without a word; a finding with its line', () => {
  const file = `${fixture('duplicate-key')}/twice.yaml`;
  const result = check(file);
  expect(result.stdout).toBe(`read: ${file}: line 5: the key "name" is given twice; kubectl takes the last\n`);
  expect(result.status).toBe(1);
});

test('several paths, and subfolders with -R or --recursive, as kubectl apply -f takes them', () => {
  const dir = fixture('recursive');
  const flat = check(dir);
  expect(flat.stderr).toContain(`check: 1 objects in 1 files of ${dir}\n`);
  expect(flat.status).toBe(0);
  for (const flag of ['-R', '--recursive']) {
    const deep = check(dir, flag);
    expect(deep.stderr).toContain(`check: 2 objects in 2 files of ${dir}\n`);
    expect(lines(deep.stdout)).toContain(
      `schema 1.27.0: ${dir}/sub/deep.yaml ConfigMap/deep: additional properties 'dataa' not allowed`,
    );
    expect(deep.status).toBe(1);
  }
  const several = check(`${dir}/top.yaml`, `${dir}/sub`, `${fixture('flow')}/flow.yaml`);
  expect(several.stderr).toContain(`check: 3 objects in 3 files of ${dir}/top.yaml, ${dir}/sub, `);
  expect(several.status).toBe(1);
  const unknown = check(dir, '--bogus');
  // One line naming the option (node:util parseArgs' words), then the usage.
  expect(unknown.stderr.split('\n')).toEqual([
    expect.stringMatching(/^check: Unknown option '--bogus'\. /),
    'usage: npm run check -- [PATH...] [-R] [--allow-privileged=false]   (PATH: a ' +
      'folder, file or pipe of manifests, default dist; -R, --recursive: subfolders too, as kubectl apply -f PATH -R; ' +
      "--allow-privileged=true|false: kube-apiserver's flag for the api-server gate, default true, as kubeadm sets it)",
    '',
  ]);
  expect(unknown.status).toBe(2);
});

test('a loop of symbolic links: in a folder one finding, the other files checked; named, one line, exit 2', () => {
  fs.writeFileSync(path.join(tmp, 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndataa: {}\n');
  const loop = path.join(tmp, 'loop.yaml');
  fs.symlinkSync(loop, loop);
  const inFolder = check(tmp);
  expect(lines(inFolder.stdout)).toEqual(
    expect.arrayContaining([
      `read: ${loop}: kubectl: open ${loop}: too many levels of symbolic links`,
      `schema 1.27.0: ${tmp}/a.yaml ConfigMap/a: additional properties 'dataa' not allowed`,
    ]),
  );
  expect(inFolder.status).toBe(1);
  const named = check(loop);
  expect(named.stdout).toBe('');
  expect(named.stderr).toBe(
    `check: error: the path "${loop}" cannot be accessed: stat ${loop}: too many levels of symbolic links ` +
      '(as kubectl apply -f says it); name folders or files of Kubernetes manifests, or run `npm run synth` first\n',
  );
  expect(named.status).toBe(2);
});

test('no argument list limit: 9,000 files whose names together pass Linux ARG_MAX (2 MiB), as 45,000 short ones do', () => {
  const long = 'x'.repeat(230);
  for (let i = 0; i < 9000; i++) {
    fs.writeFileSync(
      path.join(tmp, `${long}-${i}.yaml`),
      `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm-${i}"}}\n`,
    );
  }
  const result = check(tmp);
  expect(result.stderr).toContain(`check: 9000 objects in 9000 files of ${tmp}\n`);
  expect(result.stderr).toContain('check: all gates pass');
  expect(result.status).toBe(0);
}, 180_000);
