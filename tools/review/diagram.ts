// `npm run diagram [-- DIR]`: writes docs/deployment.md, the Mermaid picture of what gets deployed,
// and the same flowchart into README.md.
// By default it runs the cdk8s app into a temp dir, so the picture follows lib/ even when dist/ is
// stale; with DIR (such as dist) it draws the manifests already there.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIAGRAM_FILE, README_FILE, deploymentDiagram, readmeWithDiagram } from './deployment-diagram';
import { readManifestDir, synthesize } from './synth';

function main(argv: string[]): void {
  const projectDir = path.resolve(__dirname, '../..');
  if (argv.length > 1 || argv[0]?.startsWith('-')) {
    console.error('usage: npm run diagram [-- DIR]   (DIR: manifests to draw, such as dist; default: synthesize)');
    process.exitCode = 2;
    return;
  }
  const objects = argv[0] === undefined ? synthesize(projectDir) : readManifestDir(argv[0]);
  const file = path.join(projectDir, DIAGRAM_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const diagram = deploymentDiagram(objects);
  fs.writeFileSync(file, diagram);
  const readme = path.join(projectDir, README_FILE);
  fs.writeFileSync(readme, readmeWithDiagram(fs.readFileSync(readme, 'utf8'), diagram));
  console.log(`wrote ${DIAGRAM_FILE} and the diagram in ${README_FILE} (${objects.length} objects)`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(`npm run diagram: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
