// `npm run diagram -- [--check] [PATH]` (kit/cmd/diagram.ts): draws dist/, which `npm run synth`
// writes, as docs/deployment.md, the Mermaid picture of what gets deployed, and puts the same
// flowchart into README.md. With --check it writes nothing and exits 1 when either file differs
// from what it would write (a CI step, after the synth). Given another PATH (a folder or file of
// manifests) it prints that picture instead: the project's docs show the project's own dist/,
// nothing else.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIAGRAM_FILE, README_FILE, deploymentDiagram, readmeWithDiagram } from './deployment-diagram';
import { readManifests } from '../common/manifests';
import { requireFresh } from '../common/synth-stamp';
import { UsageError } from '../common/usage';

/** What `npm run diagram` is asked to draw. */
export interface DiagramRequest {
  /**
   * The manifests to draw, a folder or file.
   * @default - dist/, the project's own, which must be fresh (synthesized from the app's sources)
   */
  readonly path?: string;
  /** Write nothing: tell whether the project's docs show dist/ (exit 1 when they do not). */
  readonly check: boolean;
}

/**
 * Draws `request.path` into the project's docs (dist/) or on stdout (another path); resolves to
 * the exit code. --check with another path is a UsageError: the docs show dist/ only.
 */
export async function diagram(request: DiagramRequest): Promise<number> {
  // dist/ by default, if the app's sources still make it; a PATH named is taken as it is.
  const source = request.path ?? requireFresh('dist', 'name it (npm run diagram -- dist)');
  const ownDist = path.resolve(source) === path.resolve('dist');
  if (request.check && !ownDist) {
    throw new UsageError(`--check compares the project's docs with dist/, not ${source}: give no PATH`);
  }
  const objects = readManifests(source);
  const picture = deploymentDiagram(objects);
  if (!ownDist) {
    process.stdout.write(picture);
    console.error(
      `npm run diagram: printed the picture of ${source}; ${DIAGRAM_FILE} and ${README_FILE} still show dist/`,
    );
    return 0;
  }
  // Both files' new text first, so a README without the markers leaves both untouched.
  const readme = path.resolve(README_FILE);
  const readmeText = fs.readFileSync(readme, 'utf8');
  const newReadmeText = readmeWithDiagram(readmeText, picture);
  const file = path.resolve(DIAGRAM_FILE);
  if (request.check) {
    const stale = [
      ...(fs.existsSync(file) && fs.readFileSync(file, 'utf8') === picture ? [] : [DIAGRAM_FILE]),
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
  fs.writeFileSync(file, picture);
  fs.writeFileSync(readme, newReadmeText);
  console.log(`wrote ${DIAGRAM_FILE} and the diagram in ${README_FILE} from ${source} (${objects.length} objects)`);
  return 0;
}
