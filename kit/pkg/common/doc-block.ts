// The docs that commands write: each command rewrites its own block of a Markdown page, between
// markers (`<!-- NAME:begin -->` … `<!-- NAME:end -->`), and leaves the rest of the page, written by
// hand, as it is. The page is then formatted by the project's formatter, so `npm run lint` passes on
// what a run wrote. Used by the e2e suites (kit/docs/reliability.md, kit/docs/network-policy.md), and by
// `npm run bench` and the dev loop's benchmark (docs/benchmarks.md).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { run } from './process';

/** The project's formatter (an ES module, which Jest's module loader cannot import: its CLI). */
const PRETTIER = path.resolve(__dirname, '../../../node_modules/.bin/prettier');

/** The text of the block `name` in `page`, between its markers, or undefined when it has none. */
export function readDocBlock(page: string, name: string): string | undefined {
  const from = page.indexOf(`<!-- ${name}:begin -->`);
  const to = page.indexOf(`<!-- ${name}:end -->`);
  return from === -1 || to < from ? undefined : page.slice(from + `<!-- ${name}:begin -->`.length, to);
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
