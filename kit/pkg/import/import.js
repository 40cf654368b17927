// `npm run import [-- SCHEMA_FILE]`: regenerates imports/ with the cdk8s CLI's own `cdk8s import`,
// for the imports pinned in cdk8s.yaml (k8s@1.27.0).
//
// Without an argument the CLI downloads the Kubernetes schema, as usual. With SCHEMA_FILE (or
// K8S_SCHEMA_FILE in the environment) it reads that local _definitions.json instead, for machines
// without network: the CLI has no such option, so its download function is swapped for a file read
// before the CLI starts. The generated code is the CLI's, byte for byte.
//
// Either way the schema is checked before the CLI writes anything: a file that is missing, a
// folder, not JSON, JSON without the Kubernetes API's definitions (`{}` would make an empty
// imports/k8s.ts), or with a $ref to a definition it lacks (the generator's stack trace) is refused, as is a download that fails, and imports/ stays as it was.
const fs = require('node:fs');
const path = require('node:path');

const OFFLINE = 'npm run import -- path/to/v1.27.0/_definitions.json';
const schemaFile = process.argv[2] ?? (process.env.K8S_SCHEMA_FILE || undefined);
// The CLI exports none of its internals, so they are reached by file path.
const cliDir = path.dirname(require.resolve('cdk8s-cli/package.json'));
const util = require(path.join(cliDir, 'lib/util.js'));
const download = util.download;

if (schemaFile !== undefined) {
  const resolved = path.resolve(schemaFile);
  const stat = fs.statSync(resolved, { throwIfNoEntry: false });
  if (stat === undefined) {
    fail(`schema file ${resolved} does not exist; pass the _definitions.json of the pinned Kubernetes version`);
  }
  if (!stat.isFile()) {
    fail(`${resolved} is a folder, not a schema file; pass the _definitions.json inside it`);
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
    let text;
    try {
      text = await download(url);
    } catch (error) {
      fail(`could not download ${url} (${error.code ?? error.message}); offline, name the schema file: ${OFFLINE}`);
    }
    return /\/_definitions\.json$/.test(url) ? checkedSchema(text, url) : text;
  };
}

process.argv = [process.argv[0], 'cdk8s', 'import', '--check-upgrade=false'];
require(path.join(cliDir, 'lib/cli'));

/** `text` if it is the OpenAPI definitions of the Kubernetes API; refuses anything else. */
function checkedSchema(text, origin) {
  let schema;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    fail(`${origin} is not JSON (${error.message}); pass the _definitions.json of the pinned Kubernetes version`);
  }
  const definitions = schema?.definitions;
  const kinds = Object.values(typeof definitions === 'object' && definitions !== null ? definitions : {}).filter(
    (definition) => Array.isArray(definition?.['x-kubernetes-group-version-kind']),
  );
  // The core API objects every version has: without them cdk8s import would write an empty file.
  const missing = ['io.k8s.api.core.v1.Pod', 'io.k8s.api.apps.v1.Deployment'].filter((name) => !definitions?.[name]);
  if (kinds.length === 0 || missing.length > 0) {
    fail(
      `${origin} is not a Kubernetes API schema (no definitions of ${missing.join(', ') || 'any kind'}); ` +
        'pass the _definitions.json of the pinned Kubernetes version',
    );
  }
  // Every $ref must name a definition of the file (the generator throws a stack trace otherwise).
  const dangling = [];
  const visit = (schema, where) => {
    if (Array.isArray(schema)) return schema.forEach((item) => visit(item, where));
    if (typeof schema !== 'object' || schema === null) return;
    const ref = schema.$ref;
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
    fail(
      `${origin} has a $ref to no definition of the file: ${shown}; every $ref must be "#/definitions/NAME" ` +
        'with NAME defined in the file: pass the _definitions.json of the pinned Kubernetes version unchanged',
    );
  }
  return text;
}

function fail(message) {
  console.error(`npm run import: ${message}`);
  process.exit(1);
}
