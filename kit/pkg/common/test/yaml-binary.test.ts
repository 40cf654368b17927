// YAML's !!binary read by the toolkit's manifest reader as kubectl reads it: the same string
// (bytes that are not UTF-8 as U+FFFD, one per byte, as Go writes them), and the same refusal of
// bad base64. Each case goes through kubectl itself (`label --local`: no cluster is asked).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kubectlSync } from '../kubectl';
import { parseManifests } from '../manifests';
import { makeTempDir, removeTempDir } from '../temp-dir';

const configMap = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: ${value}\n`;

let dir: string;
beforeAll(() => (dir = makeTempDir('k8s-sandbox-binary-')));
afterAll(() => removeTempDir(dir));

/** What kubectl makes of the manifest: its `data`, or its error. */
function kubectl(text: string): { data?: unknown; error?: string } {
  const file = path.join(dir, 'c.yaml');
  fs.writeFileSync(file, text);
  const result = kubectlSync(['label', '--local', '-f', file, 'x=y', '-o', 'json'], {
    env: { ...process.env, KUBECONFIG: '/dev/null' },
  });
  return result.status === 0 ? { data: JSON.parse(result.stdout).data } : { error: result.stderr };
}

function ours(text: string): { data?: unknown; error?: string } {
  try {
    return { data: parseManifests(text, 'c.yaml')[0]?.data };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

test.each([
  ['text', '!!binary aGVsbG8=', 'hello'],
  ['a block, its line breaks ignored', '!!binary |\n    aGVs\n    bG8=', 'hello'],
  ['empty', '!!binary ""', ''],
  ['UTF-8 text', '!!binary 4pyTIMOg', '✓ à'],
  ['a byte that is not UTF-8', '!!binary /w==', '\uFFFD'],
  ['a cut-off sequence: one U+FFFD per byte', '!!binary 4oJB', '\uFFFD\uFFFDA'],
  ['a surrogate', '!!binary 7aCA', '\uFFFD\uFFFD\uFFFD'],
  ['an overlong form', '!!binary wK8=', '\uFFFD\uFFFD'],
])('%s: the string kubectl reads', (_, value, expected) => {
  expect(ours(configMap(value))).toEqual({ data: { a: expected } });
  expect(kubectl(configMap(value))).toEqual({ data: { a: expected } });
});

test.each([
  ['base64 without its padding', '!!binary aGVsbG8'],
  ['a space inside', '!!binary "aGVs bG8="'],
  ['null', '!!binary ~'],
])('%s: refused, as kubectl refuses it', (_, value) => {
  expect(kubectl(configMap(value)).error).toContain('!!binary value contains invalid base64 data');
  expect(ours(configMap(value)).error).toMatch(
    /^c\.yaml: not YAML: !!binary value contains invalid base64 data \(kubectl refuses it too\) at line 6/,
  );
});

test('every lead byte before each boundary of a continuation byte: the same string as kubectl', () => {
  // One ConfigMap, one key per sequence, through kubectl once: Go's acceptRanges as Go applies them.
  const lines = [];
  for (let lead = 0x80; lead <= 0xff; lead++) {
    for (const next of [0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0]) {
      const bytes = Buffer.from([lead, next, 0x80, 0x80, 0x41]);
      lines.push(`  k${lead.toString(16)}-${next.toString(16)}: !!binary ${bytes.toString('base64')}`);
    }
  }
  const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n${lines.join('\n')}\n`;
  const theirs = kubectl(text);
  expect(Object.keys(theirs.data as object)).toHaveLength(lines.length);
  expect(ours(text)).toEqual(theirs);
});
