// `npm run diagram [-- [--check] [PATH]]`: draws dist/, which `npm run synth` writes, as
// docs/deployment.md, the Mermaid picture of what gets deployed, and puts the same flowchart into
// README.md. With --check it writes nothing and exits 1 when either file differs from what it
// would write (a CI step, after the synth). Given another PATH (a folder or file of manifests) it
// prints that picture instead: the project's docs show the project's own dist/, nothing else.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DIAGRAM_FILE, README_FILE, deploymentDiagram, readmeWithDiagram } from './deployment-diagram';
import { readManifests } from '../common/manifests';
import { runMain } from '../common/process';
import { requireFresh } from '../common/synth-stamp';

const USAGE = 'usage: npm run diagram [-- [--check] [PATH]]   (PATH: manifests to draw; default dist)';

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { check: { type: 'boolean' } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.positionals.length > 1) {
    console.error(`give at most one PATH (got ${parsed.positionals.length})\n${USAGE}`);
    return 2;
  }
  // dist/ by default, if the app's sources still make it; a PATH named is taken as it is.
  const source = parsed.positionals[0] ?? requireFresh('dist', 'name it (npm run diagram -- dist)');
  const ownDist = path.resolve(source) === path.resolve('dist');
  if (parsed.values.check && !ownDist) {
    console.error(`--check compares the project's docs with dist/, not ${source}: give no PATH\n${USAGE}`);
    return 2;
  }
  const objects = readManifests(source);
  const diagram = deploymentDiagram(objects);
  if (!ownDist) {
    process.stdout.write(diagram);
    console.error(
      `npm run diagram: printed the picture of ${source}; ${DIAGRAM_FILE} and ${README_FILE} still show dist/`,
    );
    return 0;
  }
  // Both files' new text first, so a README without the markers leaves both untouched.
  const readme = path.resolve(README_FILE);
  const readmeText = fs.readFileSync(readme, 'utf8');
  const newReadmeText = readmeWithDiagram(readmeText, diagram);
  const file = path.resolve(DIAGRAM_FILE);
  if (parsed.values.check) {
    const stale = [
      ...(fs.existsSync(file) && fs.readFileSync(file, 'utf8') === diagram ? [] : [DIAGRAM_FILE]),
      ...(newReadmeText === readmeText ? [] : [`the diagram in ${README_FILE}`]),
    ];
    if (stale.length > 0) {
      console.error(
        `npm run diagram: ${stale.join(' and ')} do not show ${source}: run \`npm run diagram\` and commit the result`,
      );
      return 1;
    }
    console.log(`${DIAGRAM_FILE} and the diagram in ${README_FILE} show ${source} (${objects.length} objects)`);
    return 0;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, diagram);
  fs.writeFileSync(readme, newReadmeText);
  console.log(`wrote ${DIAGRAM_FILE} and the diagram in ${README_FILE} from ${source} (${objects.length} objects)`);
  return 0;
}

runMain('npm run diagram', () => main(process.argv.slice(2)));
