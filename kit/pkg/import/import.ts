// `npm run import -- [SCHEMA_FILE]` (kit/cmd/import.ts): regenerates imports/ with the cdk8s CLI's own `cdk8s import`,
// for the imports pinned in cdk8s.yaml (k8s@1.27.0).
//
// Without an argument the CLI downloads the Kubernetes schema, as usual. With SCHEMA_FILE (or
// K8S_SCHEMA_FILE in the environment) it reads that local _definitions.json instead, for machines
// without network: the CLI has no such option, so its download function is swapped for a file read
// before the CLI starts. The generated code is the CLI's, byte for byte. The CLI runs in this
// process: it reads its command line from process.argv (it has no other entry) and ends the
// process on a failure.
//
// Either way the schema is checked before the CLI writes anything: a file that is missing, a
// folder, not JSON, JSON without the Kubernetes API's definitions (`{}` would make an empty
// imports/k8s.ts), or with a $ref to a definition it lacks (the generator's stack trace) is refused, as is a download that fails, and imports/ stays as it was.
import * as fs from 'node:fs';
import * as path from 'node:path';

const OFFLINE = 'npm run import -- path/to/v1.27.0/_definitions.json';

/** cdk8s-cli's download function (lib/util.js), which `cdk8s import` fetches the schema with. */
type Download = (url: string) => Promise<string>;

/**
 * `cdk8s import` of cdk8s.yaml's imports in the current folder, the schema read from `schemaFile`
 * when one is named (else downloaded). A schema file that is missing or not the Kubernetes API's
 * throws before the CLI starts; a failure once it runs ends the process (exit 1), imports/ left
 * as it was. Resolves to 0 when the CLI is done.
 */
export function importSchemas({ schemaFile }: { readonly schemaFile?: string }): Promise<number> {
  // The CLI exports none of its internals, so they are reached by file path.
  const cliDir = path.dirname(require.resolve('cdk8s-cli/package.json'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const util = require(path.join(cliDir, 'lib/util.js')) as { download: Download };
  const download = util.download;

  if (schemaFile !== undefined) {
    const resolved = path.resolve(schemaFile);
    const stat = fs.statSync(resolved, { throwIfNoEntry: false });
    if (stat === undefined) {
      throw new Error(
        `schema file ${resolved} does not exist; pass the _definitions.json of the pinned Kubernetes version`,
      );
    }
    if (!stat.isFile()) {
      throw new Error(`${resolved} is a folder, not a schema file; pass the _definitions.json inside it`);
    }
    const text = checkedSchema(fs.readFileSync(resolved, 'utf8'), resolved);
    util.download = async (url) => {
      const requested = /\/kubernetes-schemas\/v(\d+\.\d+\.\d+)\/_definitions\.json$/.exec(url);
      if (requested === null) {
        return download(url);
      }
      // A path such as .../v1.27.0/_definitions.json names its version: refuse a mismatch.
      const named = /v(\d+\.\d+\.\d+)/.exec(resolved);
      if (named !== null && named[1] !== requested[1]) {
        fail(`cdk8s.yaml imports k8s@${requested[1]}, but ${resolved} is the schema of v${named[1]}`);
      }
      console.error(`Reading the k8s@${requested[1]} schema from ${resolved} instead of downloading it`);
      return text;
    };
  } else {
    util.download = async (url) => {
      let text: string;
      try {
        text = await download(url);
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        fail(`could not download ${url} (${reason}); offline, name the schema file: ${OFFLINE}`);
      }
      if (!/\/_definitions\.json$/.test(url)) {
        return text;
      }
      try {
        return checkedSchema(text, url);
      } catch (error) {
        fail((error as Error).message);
      }
    };
  }

  // The CLI's own command line: what it reads, as `cdk8s import` would get it.
  process.argv = [process.argv[0]!, 'cdk8s', 'import', '--check-upgrade=false'];
  const done = new Promise<number>((resolve) => process.once('beforeExit', () => resolve(0)));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(cliDir, 'lib/cli'));
  return done;
}

/** `text` if it is the OpenAPI definitions of the Kubernetes API; refuses anything else. */
function checkedSchema(text: string, origin: string): string {
  let schema: { definitions?: unknown } | undefined;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${origin} is not JSON (${(error as Error).message}); pass the _definitions.json of the pinned Kubernetes version`,
    );
  }
  const found = schema?.definitions;
  const definitions: Record<string, unknown> = typeof found === 'object' && found !== null ? { ...found } : {};
  const kinds = Object.values(definitions).filter((definition) =>
    Array.isArray((definition as Record<string, unknown> | null)?.['x-kubernetes-group-version-kind']),
  );
  // The core API objects every version has: without them cdk8s import would write an empty file.
  const missing = ['io.k8s.api.core.v1.Pod', 'io.k8s.api.apps.v1.Deployment'].filter((name) => !definitions[name]);
  if (kinds.length === 0 || missing.length > 0) {
    throw new Error(
      `${origin} is not a Kubernetes API schema (no definitions of ${missing.join(', ') || 'any kind'}); ` +
        'pass the _definitions.json of the pinned Kubernetes version',
    );
  }
  // Every $ref must name a definition of the file (the generator throws a stack trace otherwise).
  const dangling: string[] = [];
  const visit = (schema: unknown, where: string): void => {
    if (Array.isArray(schema)) return schema.forEach((item) => visit(item, where));
    if (typeof schema !== 'object' || schema === null) return;
    const ref = (schema as { $ref?: unknown }).$ref;
    if (
      ref !== undefined &&
      !(typeof ref === 'string' && /^#\/definitions\//.test(ref) && ref.slice(14) in definitions)
    ) {
      dangling.push(`${JSON.stringify(ref)} in ${where}`);
    }
    for (const [key, value] of Object.entries(schema)) {
      // The keys of `properties` are field names (JSONSchemaProps has a field named $ref), not schema keywords.
      if (key === 'properties' && typeof value === 'object' && value !== null) {
        Object.values(value).forEach((property) => visit(property, where));
      } else if (key !== '$ref') {
        visit(value, where);
      }
    }
  };
  Object.entries(definitions).forEach(([name, definition]) => visit(definition, name));
  if (dangling.length > 0) {
    const shown = dangling.slice(0, 5).join(', ') + (dangling.length > 5 ? ` and ${dangling.length - 5} more` : '');
    throw new Error(
      `${origin} has a $ref to no definition of the file: ${shown}; every $ref must be "#/definitions/NAME" ` +
        'with NAME defined in the file: pass the _definitions.json of the pinned Kubernetes version unchanged',
    );
  }
  return text;
}

/**
 * Ends the process with `message`, from inside the CLI's run: cdk8s-cli would print a thrown
 * error with its stack trace, and imports/ is not written yet.
 */
function fail(message: string): never {
  console.error(`npm run import: ${message}`);
  process.exit(1);
}
