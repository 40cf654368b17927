// `npm run import [-- SCHEMA_FILE]`: regenerates imports/ with the cdk8s CLI's own `cdk8s import`,
// for the imports pinned in cdk8s.yaml (k8s@1.27.0).
//
// Without an argument the CLI downloads the Kubernetes schema, as usual. With SCHEMA_FILE (or
// K8S_SCHEMA_FILE in the environment) it reads that local _definitions.json instead, for machines
// without network: the CLI has no such option, so its download function is swapped for a file read
// before the CLI starts. The generated code is the CLI's, byte for byte.
const fs = require('node:fs');
const path = require('node:path');

const schemaFile = process.argv[2] ?? process.env.K8S_SCHEMA_FILE;
// The CLI exports none of its internals, so they are reached by file path.
const cliDir = path.dirname(require.resolve('cdk8s-cli/package.json'));

if (schemaFile !== undefined) {
  const resolved = path.resolve(schemaFile);
  if (!fs.existsSync(resolved)) {
    fail(`schema file ${resolved} does not exist; pass the _definitions.json of the pinned Kubernetes version`);
  }
  const util = require(path.join(cliDir, 'lib/util.js'));
  const download = util.download;
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
    return fs.readFileSync(resolved, 'utf8');
  };
}

process.argv = [process.argv[0], 'cdk8s', 'import', '--check-upgrade=false'];
require(path.join(cliDir, 'lib/cli'));

function fail(message) {
  console.error(`npm run import: ${message}`);
  process.exit(1);
}
