// The schema gate: kubeconform, strict, against the 1.27 API and the newest API the
// real-cluster test builds. Fed broken objects, it names the object, the field and the problem.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { binaryPath } from '../../common/go-tools';
import { loadObjects } from '../../common/manifests';
import { validateSchemas } from '../kubeconform';
import {
  type ApiSchemaSource,
  cachedApiGroups,
  cachedKubeconformSchemas,
  newestClusterSchema,
  targetSchema,
} from '../schemas';
import { type Json, customResourceDefinition, manifestDir, nginxDeployment, sandboxManifests } from './fixtures';
import { makeTempDir, removeTempDir } from '../../common/temp-dir';

const kubeconform = binaryPath('kubeconform');
const target = targetSchema();
let newest: ApiSchemaSource;
beforeAll(async () => {
  newest = await newestClusterSchema(() => undefined);
});

/** The findings of the gate for `source` on a directory holding `files`. */
async function validate(source: ApiSchemaSource, files: Record<string, Json[]>) {
  const dir = manifestDir(files);
  const yamlFiles = Object.keys(files).map((file) => path.join(dir, file));
  return validateSchemas(kubeconform, source, loadObjects(yamlFiles));
}

/** The nginx Deployment broken by `breakIt`, alone in bad.yaml. */
function brokenDeployment(breakIt: (deployment: Json) => void): Record<string, Json[]> {
  const deployment = nginxDeployment();
  breakIt(deployment);
  return { 'bad.yaml': [deployment] };
}

test('the newest cluster API is a newer release than the target', () => {
  expect(target.version).toBe('1.27.0');
  expect(newest.version).toMatch(/^1\.(2[89]|[3-9]\d)\.\d+$/);
});

describe.each(['target', 'newest'])('Kubernetes %s', (which) => {
  let source: ApiSchemaSource;
  let gate: string;
  let where: Record<string, unknown>;
  beforeAll(() => {
    source = which === 'target' ? target : newest;
    gate = `schema ${source.version}`;
    where = { gate, file: expect.stringMatching(/bad\.yaml$/), object: 'Deployment/nginx-deployment' };
  });

  test('the sandbox manifests are valid', async () => {
    expect(await validate(source, sandboxManifests())).toEqual([]);
  });

  test('an unknown field fails, with the object that holds it', async () => {
    const files = brokenDeployment(
      (d) => (d.spec.template.spec.containers[0].resource = d.spec.template.spec.containers[0].resources),
    );
    expect(await validate(source, files)).toEqual([
      { ...where, field: 'spec.template.spec.containers[0]', message: "additional properties 'resource' not allowed" },
    ]);
  });

  test('an unknown top-level field fails', async () => {
    const files = brokenDeployment((d) => (d.metdata = { name: 'typo' }));
    expect(await validate(source, files)).toEqual([
      { ...where, field: '', message: "additional properties 'metdata' not allowed" },
    ]);
  });

  test('a value of the wrong type fails', async () => {
    const files = brokenDeployment((d) => {
      d.spec.replicas = '2';
      d.spec.template.spec.containers[0].ports[0].containerPort = true;
    });
    expect(await validate(source, files)).toEqual([
      { ...where, field: 'spec.replicas', message: 'got string, want integer' },
      {
        ...where,
        field: 'spec.template.spec.containers[0].ports[0].containerPort',
        message: 'got boolean, want integer',
      },
    ]);
  });

  test('a quantity or int-or-string of neither type fails; numbers and strings pass', async () => {
    const passes = brokenDeployment((d) => {
      d.spec.template.spec.containers[0].resources.limits.cpu = 1;
      d.spec.strategy.rollingUpdate.maxSurge = 1;
    });
    expect(await validate(source, passes)).toEqual([]);
    const fails = brokenDeployment((d) => (d.spec.strategy.rollingUpdate.maxSurge = false));
    expect(await validate(source, fails)).toEqual([
      {
        ...where,
        field: 'spec.strategy.rollingUpdate.maxSurge',
        message: expect.stringContaining('got boolean, want string'),
      },
    ]);
  });

  test('a timestamp may be null, as the API server reads it (unset); another field may not', async () => {
    // What `kubectl create deployment ... --dry-run=client -o yaml` writes.
    const scaffold = brokenDeployment((d) => (d.metadata.creationTimestamp = null));
    expect(await validate(source, scaffold)).toEqual([]);
    const fails = brokenDeployment((d) => {
      d.metadata.creationTimestamp = 5;
      d.spec.replicas = null;
    });
    expect(await validate(source, fails)).toEqual([
      { ...where, field: 'metadata.creationTimestamp', message: expect.stringContaining('got number, want') },
      { ...where, field: 'spec.replicas', message: 'got null, want integer' },
    ]);
  });
});

test('an API the newest cluster no longer serves fails there only', async () => {
  const flowSchema = {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2',
    kind: 'FlowSchema',
    metadata: { name: 'f' },
    spec: { priorityLevelConfiguration: { name: 'global-default' } },
  };
  expect(await validate(target, { 'old.yaml': [flowSchema] })).toEqual([]);
  expect(await validate(newest, { 'old.yaml': [flowSchema] })).toEqual([
    {
      gate: `schema ${newest.version}`,
      file: expect.stringMatching(/old\.yaml$/),
      object: 'FlowSchema/f',
      field: 'apiVersion',
      message: `Kubernetes ${newest.version} has no flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema`,
    },
  ]);
});

describe('custom resources are left to the api-server gate', () => {
  const crd = (group: string, kind: string) =>
    customResourceDefinition(group, kind, {
      type: 'object',
      properties: { note: { type: 'string', nullable: true } },
    });

  async function validateWith(objects: Json[]) {
    const dir = manifestDir({ 'all.yaml': objects });
    const file = path.join(dir, 'all.yaml');
    return validateSchemas(
      kubeconform,
      target,
      objects.map((object) => ({ file, object })),
    );
  }

  test('a custom kind named like a built-in one is not checked against the built-in schema', async () => {
    // kubeconform would look up deployment-apps-v1.json, the built-in apps/v1 Deployment's.
    const custom = { apiVersion: 'apps.example.com/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: {} };
    expect(await validateWith([crd('apps.example.com', 'Deployment'), custom])).toEqual([]);
    expect(await validateWith([{ ...custom, apiVersion: 'apps/v1' }])).toEqual([
      expect.objectContaining({
        object: 'Deployment/d',
        field: 'spec',
        message: "missing properties 'selector', 'template'",
      }),
    ]);
  });

  test('a custom resource is skipped with or without its definition: null where it is nullable is no finding', async () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { note: null } };
    expect(await validateWith([crd('example.com', 'Widget'), widget])).toEqual([]);
    expect(await validateWith([widget])).toEqual([]);
  });

  test('the CustomResourceDefinition itself is a built-in kind, checked', async () => {
    const typo = crd('example.com', 'Widget');
    (typo.spec as Json).scoep = 'Namespaced';
    expect((await validateWith([typo])).map((f) => `${f.object} ${f.field}: ${f.message}`)).toEqual([
      "CustomResourceDefinition/widgets.example.com spec: additional properties 'scoep' not allowed",
    ]);
  });

  test('a group the API defines is built in, kinds it lacks included: a removed API is no custom resource', async () => {
    const groups = await cachedApiGroups(newest);
    expect([...groups]).toEqual(expect.arrayContaining(['', 'apps', 'apiextensions.k8s.io', 'apiregistration.k8s.io']));
    expect(groups.has('example.com')).toBe(false);
    const ingress = { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'old' }, spec: {} };
    expect((await validateWith([ingress])).map((f) => f.message)).toEqual([
      'Kubernetes 1.27.0 has no extensions/v1beta1 Ingress',
    ]);
  });
});

describe('the derived schemas, cached once per machine', () => {
  let cache: string;
  const saved = process.env.XDG_CACHE_HOME;
  beforeEach(() => {
    cache = makeTempDir('k8s-sandbox-schema-cache-');
    process.env.XDG_CACHE_HOME = cache;
  });
  afterEach(() => {
    process.env.XDG_CACHE_HOME = saved;
    removeTempDir(cache);
  });
  const cached = () => fs.readdirSync(path.join(cache, 'k8s-sandbox/schemas'));

  test('are derived the first time, then read as they are', async () => {
    const location = await cachedKubeconformSchemas(target);
    expect(cached()).toEqual([expect.stringMatching(/^1\.27\.0-[0-9a-f]{16}$/)]);
    const dir = path.join(cache, 'k8s-sandbox/schemas', cached()[0] as string);
    expect(location).toBe(path.join(dir, '{{ .ResourceKind }}{{ .KindSuffix }}.json'));
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'deployment-apps-v1.json'), 'utf8'))).toEqual({
      $ref: '_definitions.json#/definitions/io.k8s.api.apps.v1.Deployment',
    });
    // A tree in the cache is taken as it is: a file removed from it stays removed.
    fs.rmSync(path.join(dir, 'pod-v1.json'));
    expect(await cachedKubeconformSchemas(target)).toBe(location);
    expect(fs.existsSync(path.join(dir, 'pod-v1.json'))).toBe(false);
  });

  test('another source file is another tree', async () => {
    const changed = path.join(cache, 'definitions.json');
    const definitions = JSON.parse(fs.readFileSync(target.file, 'utf8'));
    delete definitions.definitions['io.k8s.api.core.v1.Pod'];
    fs.writeFileSync(changed, JSON.stringify(definitions));
    const first = await cachedKubeconformSchemas(target);
    const second = await cachedKubeconformSchemas({ version: target.version, file: changed });
    expect(second).not.toBe(first);
    expect(cached()).toHaveLength(2);
    expect(fs.existsSync(second.replace('{{ .ResourceKind }}{{ .KindSuffix }}', 'pod-v1'))).toBe(false);
  });

  test('checks that derive at the same time each get the whole tree, and leave one', async () => {
    const schemas = path.resolve(__dirname, '../schemas.ts');
    const script =
      `require(${JSON.stringify(schemas)}).cachedKubeconformSchemas(${JSON.stringify(target)})` +
      '.then((location) => console.log(location))';
    const derive = () =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn('node', ['-r', './kit/pkg/loader/ts-register.js', '-e', script], {
          cwd: path.resolve(__dirname, '../../../..'),
          env: { ...process.env, XDG_CACHE_HOME: cache },
        });
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.on('close', (code) => resolve({ code, stdout: stdout.trim() }));
      });
    const results = await Promise.all([derive(), derive(), derive(), derive()]);
    expect(results.map((result) => result.code)).toEqual([0, 0, 0, 0]);
    expect(new Set(results.map((result) => result.stdout)).size).toBe(1);
    expect(cached()).toEqual([expect.stringMatching(/^1\.27\.0-[0-9a-f]{16}$/)]);
    const dir = path.join(cache, 'k8s-sandbox/schemas', cached()[0] as string);
    expect(fs.readdirSync(dir)).toContain('deployment-apps-v1.json');
  });
});
