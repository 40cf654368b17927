// The Kubernetes API schemas the schema gate validates against, turned into what kubeconform
// reads: one strict JSON-schema file per kind, derived once per machine into
// ~/.cache/k8s-sandbox/schemas/ and never committed. Two versions: the one cdk8s-plus-27 targets
// (the schema file in ../shared, the same one `npm run import` generates imports/ from) and the
// newest one the real-cluster test builds (from k8s.io/kubernetes in the Go module cache), so a
// field or API that a newer cluster dropped fails here before a user meets it.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheDir, go, goModuleVersion } from '../common/go-tools';
import { withTempDir } from '../common/temp-dir';

const ROOT = path.resolve(__dirname, '../../..');

/** A Kubernetes version and the OpenAPI (swagger 2.0) file with its `definitions`. */
export interface ApiSchemaSource {
  /** The Kubernetes version, e.g. `1.27.0` (no leading `v`, as kubeconform's -kubernetes-version takes it). */
  readonly version: string;
  /** Path of a JSON file whose `definitions` are the API's OpenAPI v2 definitions. */
  readonly file: string;
}

/** Where cdk8s publishes the schema that `cdk8s import k8s@1.27.0` reads (the workflow downloads it). */
const SCHEMA_URL =
  'https://raw.githubusercontent.com/cdk8s-team/cdk8s/master/kubernetes-schemas/v1.27.0/_definitions.json';

/** The version cdk8s-plus-27 and imports/k8s.ts target: the schema `npm run import` reads. */
export function targetSchema(): ApiSchemaSource {
  const file = path.resolve(ROOT, '../shared/kubernetes-schemas/v1.27.0/_definitions.json');
  if (!fs.existsSync(file)) {
    throw new Error(
      `schema file ${file} is missing: npm run check reads the Kubernetes 1.27 API schema from ` +
        `../shared/kubernetes-schemas beside the repo; get it with: mkdir -p ../shared/kubernetes-schemas/v1.27.0 && ` +
        `curl -fsSL -o ../shared/kubernetes-schemas/v1.27.0/_definitions.json ${SCHEMA_URL}`,
    );
  }
  return { version: '1.27.0', file };
}

/**
 * The newest API the real-cluster test runs: k8s.io/kubernetes as pinned in
 * kit/go/cluster/kube/go.mod, whose module source carries api/openapi-spec/swagger.json.
 * Downloads the module through the Go module proxy when the module cache lacks it.
 */
export async function newestClusterSchema(log: (line: string) => void): Promise<ApiSchemaSource> {
  const pinned = await goModuleVersion(path.join(ROOT, 'kit/go/cluster/kube'), 'k8s.io/kubernetes');
  let dir = pinned.dir;
  if (dir === '') {
    log(
      `downloading k8s.io/kubernetes@${pinned.version} from the Go module proxy for its API schema (once per machine)`,
    );
    // Outside any module, so that no go.mod or go.sum of the repo changes.
    const download = await go(['mod', 'download', '-json', `k8s.io/kubernetes@${pinned.version}`], {
      cwd: os.tmpdir(),
    });
    dir = (JSON.parse(download.stdout) as { Dir: string }).Dir;
  }
  return { version: pinned.version.slice(1), file: path.join(dir, 'api/openapi-spec/swagger.json') };
}

// A schema node of the OpenAPI v2 definitions, as far as this file looks into it.
type SchemaNode = { [key: string]: unknown };
interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** The schema file kubeconform looks up for a kind: {{ .ResourceKind }}{{ .KindSuffix }}, the group up to its first dot. */
function schemaFileName(group: string, version: string, kind: string): string {
  return [kind, ...(group === '' ? [] : [group.split('.')[0]]), version].join('-').toLowerCase() + '.json';
}

/** The -schema-location template that finds the schema files written into `dir`. */
function schemaLocation(dir: string): string {
  return path.join(dir, '{{ .ResourceKind }}{{ .KindSuffix }}.json');
}

/**
 * The -schema-location template of `source`'s schema files, derived by
 * `deriveKubeconformSchemas` the first time and kept in
 * ~/.cache/k8s-sandbox/schemas/<version>-<hash>/. The hash covers the source file and this file,
 * the rules of the derivation, as go-tools.ts keys the Go tools on their sources. The files are
 * derived into a folder beside it and renamed into place, so a check that runs at the same
 * time never reads half a tree, and Ctrl-C leaves none behind.
 */
export async function cachedKubeconformSchemas(source: ApiSchemaSource): Promise<string> {
  return schemaLocation(await cachedSchemaDir(source));
}

/**
 * The API groups `source` defines kinds in (`''` for the core group), read from the same cached
 * tree: an object of any other group is a custom resource (or an aggregated API's).
 */
export async function cachedApiGroups(source: ApiSchemaSource): Promise<ReadonlySet<string>> {
  const file = path.join(await cachedSchemaDir(source), GROUPS_FILE);
  return new Set(JSON.parse(fs.readFileSync(file, 'utf8')) as string[]);
}

/** The file of a derived tree that lists its API's groups. */
const GROUPS_FILE = '_groups.json';

async function cachedSchemaDir(source: ApiSchemaSource): Promise<string> {
  const hash = crypto.createHash('sha256');
  for (const file of [source.file, __filename]) {
    hash.update(fs.readFileSync(file)).update('\0');
  }
  const dir = path.join(cacheDir(), 'schemas', `${source.version}-${hash.digest('hex').slice(0, 16)}`);
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    await withTempDir(`${dir}.partial-`, async (partial) => {
      deriveKubeconformSchemas(source, partial);
      try {
        fs.renameSync(partial, dir);
      } catch (error) {
        // Another check renamed its tree into place first: that one is as good.
        if (!fs.existsSync(dir)) {
          throw error;
        }
      }
    });
  }
  return dir;
}

/**
 * Writes kubeconform's schema files for `source` into `dir`. Each kind gets
 * `<kind>[-<group>]-<version>.json` (kubeconform's file naming, e.g. deployment-apps-v1.json), a
 * reference into one shared `_definitions.json`; `_groups.json` lists the API's groups.
 *
 * The definitions are rewritten the way kubeconform's own schema repository builds its
 * "-strict" schemas (openapi2jsonschema): every object with declared properties gets
 * `additionalProperties: false`, so a misspelt or unknown field fails; IntOrString and
 * Quantity accept a number or a string, as the API server does. `null` is not allowed where
 * the API declares a type (a generated manifest has no reason to write one), except for a
 * timestamp, which the API server reads as unset (specialType).
 */
function deriveKubeconformSchemas(source: ApiSchemaSource, dir: string): void {
  const definitions = (JSON.parse(fs.readFileSync(source.file, 'utf8')) as { definitions: Record<string, SchemaNode> })
    .definitions;
  const strict: Record<string, SchemaNode> = {};
  for (const [name, schema] of Object.entries(definitions)) {
    strict[name] = strictSchema(specialType(name) ?? schema);
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '_definitions.json'), JSON.stringify({ definitions: strict }));

  const written = new Map<string, string>();
  const groups = new Set<string>();
  for (const [name, schema] of Object.entries(definitions)) {
    const kinds = (schema['x-kubernetes-group-version-kind'] ?? []) as GroupVersionKind[];
    // DeleteOptions names every group the API server has served, removed ones too (extensions).
    kinds.forEach(({ group }) => groups.add(group));
    // DeleteOptions and WatchEvent name every group: they are never objects in a manifest.
    if (kinds.length !== 1) {
      continue;
    }
    const { group, version, kind } = kinds[0] as GroupVersionKind;
    const file = schemaFileName(group, version, kind);
    if (written.has(file)) {
      throw new Error(`schema file name ${file} would hold both ${written.get(file)} and ${name}`);
    }
    written.set(file, name);
    fs.writeFileSync(path.join(dir, file), JSON.stringify({ $ref: `_definitions.json#/definitions/${name}` }));
  }
  fs.writeFileSync(path.join(dir, GROUPS_FILE), JSON.stringify([...groups].sort()));
}

// The definitions whose JSON forms swagger.json does not say in JSON-schema terms. It calls
// IntOrString and Quantity a string (the v1.27.0 file in ../shared already has them in this
// form). It calls a timestamp (metav1.Time, MicroTime) a date-time string, but their
// UnmarshalJSON reads `null` as the zero time, unset, and the API server takes it: every
// `kubectl create --dry-run=client -o yaml` scaffold writes `creationTimestamp: null`.
function specialType(name: string): SchemaNode | undefined {
  switch (name) {
    case 'io.k8s.apimachinery.pkg.util.intstr.IntOrString':
      return { oneOf: [{ type: 'string' }, { type: 'integer' }] };
    case 'io.k8s.apimachinery.pkg.api.resource.Quantity':
      return { oneOf: [{ type: 'string' }, { type: 'number' }] };
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.Time':
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime':
      return { type: ['string', 'null'], format: 'date-time' };
    default:
      return undefined;
  }
}

function strictSchema(node: SchemaNode): SchemaNode {
  const result: SchemaNode = { ...node };
  delete result.description; // only bulk here; kubeconform's messages do not use it
  // A field that keeps what it does not declare (a RawExtension, a CustomResourceDefinition's JSON).
  const closed = node['x-kubernetes-preserve-unknown-fields'] !== true;
  if (node.properties !== undefined) {
    const properties = node.properties as Record<string, SchemaNode>;
    result.properties = Object.fromEntries(
      Object.entries(properties).map(([key, value]) => [key, strictSchema(value)]),
    );
    if (closed) {
      result.additionalProperties ??= false;
    }
  }
  if (typeof node.additionalProperties === 'object') {
    result.additionalProperties = strictSchema(node.additionalProperties as SchemaNode);
  }
  if (node.items !== undefined) {
    result.items = strictSchema(node.items as SchemaNode);
  }
  return result;
}
