// `npm run import` refuses every input that is not the Kubernetes API schema before the cdk8s CLI
// writes anything, so imports/ stays as it was. Run in a scratch copy of the project, so a bug
// here can never touch this repository's imports/.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDir } from '../../common/temp-dir';

const root = path.resolve(__dirname, '../../../..');
let project: string;
let generated: string;

beforeAll(() => {
  project = makeTempDir('k8s-sandbox-import-');
  for (const file of ['cdk8s.yaml', 'package.json', 'imports']) {
    fs.cpSync(path.join(root, file), path.join(project, file), { recursive: true });
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(project, 'node_modules'), 'dir');
  fs.symlinkSync(path.join(root, 'kit'), path.join(project, 'kit'), 'dir');
  generated = fs.readFileSync(path.join(project, 'imports/k8s.ts'), 'utf8');
  fs.writeFileSync(path.join(project, 'empty.json'), '{}');
  fs.writeFileSync(path.join(project, 'no-definitions.json'), '{"definitions":{}}');
  fs.writeFileSync(path.join(project, 'not-json.json'), 'definitions: yes\n');
  // The two core kinds, the Pod's spec a $ref to a definition the file lacks (a typo).
  const kind = (k: string) => ({ 'x-kubernetes-group-version-kind': [{ group: '', kind: k, version: 'v1' }] });
  const dangling = {
    definitions: {
      'io.k8s.api.core.v1.Pod': {
        ...kind('Pod'),
        properties: { spec: { $ref: '#/definitions/io.k8s.api.core.v1.PodSpek' } },
      },
      'io.k8s.api.apps.v1.Deployment': kind('Deployment'),
    },
  };
  fs.writeFileSync(path.join(project, 'dangling-ref.json'), JSON.stringify(dangling));
  // No network: every download fails as it does offline.
  fs.writeFileSync(
    path.join(project, 'offline.js'),
    "for (const m of ['http', 'https']) require(m).get = () => { throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }); };\n",
  );
});
afterAll(() => removeTempDir(project));

function runImport(...args: string[]) {
  return spawnSync('node', ['-r', './offline.js', 'kit/cmd/sandbox-kit.js', 'import', ...args], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, K8S_SCHEMA_FILE: '' },
  });
}

test.each([
  ['{}', ['empty.json'], /empty\.json is not a Kubernetes API schema/],
  ['{"definitions":{}}', ['no-definitions.json'], /no-definitions\.json is not a Kubernetes API schema/],
  ['a file that is not JSON', ['not-json.json'], /not-json\.json is not JSON/],
  ['a folder', ['imports'], /imports is a folder, not a schema file/],
  ['JSON that is not a Kubernetes schema', ['package.json'], /package\.json is not a Kubernetes API schema/],
  [
    'a schema with a $ref to a definition it lacks',
    ['dangling-ref.json'],
    /dangling-ref\.json has a \$ref to no definition of the file: "#\/definitions\/io\.k8s\.api\.core\.v1\.PodSpek" in io\.k8s\.api\.core\.v1\.Pod; every \$ref must be "#\/definitions\/NAME" with NAME defined in the file/,
  ],
  ['a file that does not exist', ['missing.json'], /missing\.json does not exist/],
  [
    'no argument while offline',
    [],
    /could not download https:\S+ \(ENOTFOUND\); offline, name the schema file: npm run import -- path\/to\/v1\.27\.0\/_definitions\.json/,
  ],
])('%s is refused and imports/ is left as it was', (_, args, message) => {
  const result = runImport(...args);
  expect(result.stderr).toMatch(new RegExp(`npm run import: (schema file )?(\\S*/)?${message.source}`));
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.status).toBe(1);
  expect(fs.readdirSync(path.join(project, 'imports'))).toEqual(['k8s.ts']);
  expect(fs.readFileSync(path.join(project, 'imports/k8s.ts'), 'utf8')).toBe(generated);
});
