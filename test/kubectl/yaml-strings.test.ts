// lib/yaml-strings.ts against kubectl's own YAML reader: each string written by cdk8s as a key and
// as a value (`kubectl label --local`: no cluster is asked), and the rule refuses it exactly when
// kubectl reads it as something other than the same string.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { numberLikeStrings } from '../../lib/yaml-strings';
import { withTempDir } from 'k8s-sandbox-kit/testing';

const STRINGS = [
  '0X1F',
  '0x1F',
  '0x1f',
  '0o17',
  '0O17',
  '0B101',
  '0b101',
  '017',
  '0017',
  '08',
  '1_0',
  '0X_1F',
  '-0X1F',
  '+0B1',
  '0XFFFFFFFFFFFFFFFF',
  '0X1FFFFFFFFFFFFFFFF',
  '9223372036854775808',
  '-9223372036854775809',
  '18446744073709551616',
  '0',
  '00',
  '1e3',
  '0x',
  '0b2',
  '0o8',
  '1.5',
  '.5',
  'y',
  'true',
  '~',
  'web',
  '0X1F ',
  '1:20',
];

/** What kubectl makes of `objects` as cdk8s writes them: each one's `data`, or its error. */
function kubectlReads(dir: string, objects: readonly unknown[]): { data?: Record<string, unknown>[]; error?: string } {
  const file = path.join(dir, 'strings.yaml');
  fs.writeFileSync(file, Yaml.stringify(...objects));
  const result = spawnSync('kubectl', ['label', '--local', '-f', file, 'x=y', '-o', 'json'], {
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: '/dev/null' },
  });
  if (result.status !== 0) return { error: result.stderr };
  const read = JSON.parse(result.stdout) as {
    items?: { data: Record<string, unknown> }[];
    data?: Record<string, unknown>;
  };
  return { data: read.items ? read.items.map((item) => item.data) : [read.data!] };
}

const configMap = (data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c' },
  data,
});

test('as values: the rule refuses exactly the strings kubectl reads as something else', async () => {
  await withTempDir('k8s-sandbox-yaml-strings-', async (dir) => {
    const { data, error } = kubectlReads(dir, [
      configMap(Object.fromEntries(STRINGS.map((text, i) => [`k${i}`, text]))),
    ]);
    expect(error).toBeUndefined();
    const verdicts = STRINGS.map((text) => [text, numberLikeStrings({ data: { k: text } }, 'x').length > 0]);
    expect(verdicts).toEqual(STRINGS.map((text, i) => [text, data![0]![`k${i}`] !== text]));
  });
});

test('as keys: the rule refuses exactly the strings kubectl renames or refuses', async () => {
  await withTempDir('k8s-sandbox-yaml-strings-', async (dir) => {
    const verdicts = STRINGS.map((text) => [text, numberLikeStrings({ data: { [text]: 'v' } }, 'x').length > 0]);
    const kubectl = STRINGS.map((text) => {
      const { data } = kubectlReads(dir, [configMap({ [text]: 'v' })]);
      return [text, data === undefined || !(text in data[0]!)];
    });
    expect(verdicts).toEqual(kubectl);
  });
});
