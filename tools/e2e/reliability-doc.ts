// The docs that e2e runs write: docs/reliability.md, what the fault suites measured, and
// docs/network-policy.md, the NetworkPolicy truth table of the real node. Each suite rewrites its
// own block between markers (`<!-- NAME:begin -->` … `<!-- NAME:end -->`) and leaves the rest of
// the page, written by hand, as it is. The page is then formatted by the project's formatter, so
// `npm run lint` passes on what a run wrote.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { run } from '../common/process';

/** The project's formatter (an ES module, which Jest's module loader cannot import: its CLI). */
const PRETTIER = path.resolve(__dirname, '../../node_modules/.bin/prettier');

export const RELIABILITY_DOC = path.resolve(__dirname, '../../docs/reliability.md');
export const NETWORK_POLICY_DOC = path.resolve(__dirname, '../../docs/network-policy.md');

/** Replaces the block `name` of docs/reliability.md with `markdown`. */
export function writeReliabilityBlock(name: string, markdown: string): Promise<void> {
  return writeDocBlock(RELIABILITY_DOC, name, markdown);
}

/** Replaces the block `name` of `doc` with `markdown` (atomically: no half-written page). */
export async function writeDocBlock(doc: string, name: string, markdown: string): Promise<void> {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const page = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
  const from = page.indexOf(begin);
  const to = page.indexOf(end);
  if (from === -1 || to < from) {
    throw new Error(`${doc} has no block ${begin} … ${end} to write the results into`);
  }
  const updated = `${page.slice(0, from + begin.length)}\n\n${markdown.trim()}\n\n${page.slice(to)}`;
  const formatted = (await run(PRETTIER, ['--stdin-filepath', doc], { input: updated })).stdout;
  const partial = `${doc}.partial`;
  writeFileSync(partial, formatted);
  renameSync(partial, doc);
}

/** Seconds with one decimal, e.g. `20.4 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
