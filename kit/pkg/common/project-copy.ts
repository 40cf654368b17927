// A copy of the project to edit and save, for what runs `npm run dev` against real sources (its
// real-node e2e and its benchmark): the checkout's main.ts is never touched. node_modules is a
// link to the checkout's, so the copy synthesizes as fast as the checkout (ts-register's cache).
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The checkout this file is in. */
const ROOT = path.resolve(__dirname, '../../..');

/** What the app and its tools need to run from the copy: cdk8s.yaml's app command, the sources, the kit. */
const PROJECT_FILES = [
  'cdk8s.yaml',
  'main.ts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'lib',
  'imports',
  'kit',
];

/** Copies the project into `dest` (a new or empty folder); returns the path of the copy's main.ts. */
export function copyProject(dest: string): string {
  fs.mkdirSync(dest, { recursive: true });
  for (const file of PROJECT_FILES) {
    fs.cpSync(path.join(ROOT, file), path.join(dest, file), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dest, 'node_modules'));
  return path.join(dest, 'main.ts');
}

/** main.ts with the sandbox's charts given `props`, a TypeScript object literal. */
export function mainWithProps(props: string): string {
  const original = fs.readFileSync(path.join(ROOT, 'main.ts'), 'utf8');
  const edited = original.replace('addSandboxCharts(app);', `addSandboxCharts(app, ${props});`);
  if (edited === original) {
    throw new Error('main.ts must call addSandboxCharts(app); (got none): the copy cannot pass props to the charts');
  }
  return edited;
}
