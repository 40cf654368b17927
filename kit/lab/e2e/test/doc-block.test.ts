// The blocks that e2e runs write into docs/ (the fault tables, the NetworkPolicy truth table):
// only the block between its markers changes, and a page without them is refused, unchanged.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeDocBlock } from '../../../pkg/common/doc-block';
import { NETWORK_POLICY_DOC, RELIABILITY_DOC } from '../reliability-doc';
import { makeTempDir, removeTempDir } from '../../../pkg/common/temp-dir';

let dir: string;
beforeEach(() => {
  dir = makeTempDir('k8s-sandbox-doc-block-');
});
afterEach(() => {
  removeTempDir(dir);
});

test('a run rewrites its own block and leaves the rest of the page as it is', async () => {
  const doc = path.join(dir, 'page.md');
  fs.writeFileSync(
    doc,
    '# Page\n\nBy hand.\n\n<!-- table:begin -->\n\nold\n\n<!-- table:end -->\n\n<!-- other:begin -->\n\nkept\n\n<!-- other:end -->\n',
  );
  await writeDocBlock(doc, 'table', '```text\na  b\n```');
  expect(fs.readFileSync(doc, 'utf8')).toBe(
    '# Page\n\nBy hand.\n\n<!-- table:begin -->\n\n```text\na  b\n```\n\n<!-- table:end -->\n\n<!-- other:begin -->\n\nkept\n\n<!-- other:end -->\n',
  );
});

test('a page without the markers is refused and left unchanged', async () => {
  const doc = path.join(dir, 'page.md');
  fs.writeFileSync(doc, '# Page\n');
  await expect(writeDocBlock(doc, 'table', 'new')).rejects.toThrow(
    `${doc} has no block <!-- table:begin --> … <!-- table:end --> to write the results into`,
  );
  expect(fs.readFileSync(doc, 'utf8')).toBe('# Page\n');
});

test.each([
  [RELIABILITY_DOC, 'faults'],
  [RELIABILITY_DOC, 'nodes'],
  [NETWORK_POLICY_DOC, 'truth-table'],
])('%s has the block %s that its run writes', (doc, name) => {
  const page = fs.readFileSync(doc, 'utf8');
  expect(page.indexOf(`<!-- ${name}:begin -->`)).toBeGreaterThan(-1);
  expect(page.indexOf(`<!-- ${name}:end -->`)).toBeGreaterThan(page.indexOf(`<!-- ${name}:begin -->`));
});
