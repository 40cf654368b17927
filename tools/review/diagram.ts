// `npm run diagram [-- PATH]`: writes docs/deployment.md, the Mermaid picture of what gets deployed,
// and the same flowchart into README.md.
// By default it runs the cdk8s app into a temp dir, so the picture follows lib/ even when dist/ is
// stale; with PATH (such as dist, or one manifest file) it draws the manifests already there.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIAGRAM_FILE, README_FILE, deploymentDiagram, readmeWithDiagram } from './deployment-diagram';
import { readManifests, synthesize } from './synth';
import { runMain } from '../common/process';

async function main(argv: string[]): Promise<number> {
  const projectDir = path.resolve(__dirname, '../..');
  if (argv.length > 1 || argv[0]?.startsWith('-')) {
    console.error('usage: npm run diagram [-- PATH]   (PATH: manifests to draw, such as dist; default: synthesize)');
    return 2;
  }
  const objects = argv[0] === undefined ? await synthesize(projectDir) : readManifests(argv[0]);
  const diagram = deploymentDiagram(objects);
  // Both files' new text first, so a README without the markers leaves both untouched.
  const readme = path.join(projectDir, README_FILE);
  const readmeText = readmeWithDiagram(fs.readFileSync(readme, 'utf8'), diagram);
  const file = path.join(projectDir, DIAGRAM_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, diagram);
  fs.writeFileSync(readme, readmeText);
  console.log(`wrote ${DIAGRAM_FILE} and the diagram in ${README_FILE} (${objects.length} objects)`);
  return 0;
}

runMain('npm run diagram', () => main(process.argv.slice(2)));
