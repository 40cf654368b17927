// docs/reliability.md: what the fault suites measured, as tables a user reads. Each suite
// rewrites its own block between markers (`<!-- NAME:begin -->` … `<!-- NAME:end -->`) and
// leaves the rest of the page, written by hand, as it is. The page is then formatted by the
// project's formatter, so `npm run lint` passes on what a run wrote.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { run } from '../common/process';

/** The project's formatter (an ES module, which Jest's module loader cannot import: its CLI). */
const PRETTIER = path.resolve(__dirname, '../../node_modules/.bin/prettier');

export const RELIABILITY_DOC = path.resolve(__dirname, '../../docs/reliability.md');

/** Replaces the block `name` of docs/reliability.md with `markdown` (atomically: no half-written page). */
export async function writeReliabilityBlock(name: string, markdown: string): Promise<void> {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const page = existsSync(RELIABILITY_DOC) ? readFileSync(RELIABILITY_DOC, 'utf8') : '';
  const from = page.indexOf(begin);
  const to = page.indexOf(end);
  if (from === -1 || to < from) {
    throw new Error(`${RELIABILITY_DOC} has no block ${begin} … ${end} to write the results into`);
  }
  const updated = `${page.slice(0, from + begin.length)}\n\n${markdown.trim()}\n\n${page.slice(to)}`;
  const formatted = (await run(PRETTIER, ['--stdin-filepath', RELIABILITY_DOC], { input: updated })).stdout;
  const partial = `${RELIABILITY_DOC}.partial`;
  writeFileSync(partial, formatted);
  renameSync(partial, RELIABILITY_DOC);
}

/** Seconds with one decimal, e.g. `20.4 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
