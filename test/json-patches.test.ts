// A field that a JSON patch writes and cdk8s then drops from the manifest (cdk8s applies patches
// before the generated class renames the fields to Kubernetes' spelling) fails synth, naming the
// field and the spelling that works.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { FibClient, NginxDeployment } from '../lib';
import { typeScriptName } from '../lib/json-patches';
import { KubeConfigMap } from '../imports/k8s';
import { findObject, synth } from './manifests';

const PREFIX = 'Validation failed with the following errors:\n';
const RENAMED =
  "cdk8s applies a patch before it renames the fields to Kubernetes' spelling, and drops a name it does not know";

test.each([
  ['Pod', '/spec/hostPID', '/spec/hostPid', 'KubePod', 'hostPID'],
  ['Pod', '/spec/hostIPC', '/spec/hostIpc', 'KubePod', 'hostIPC'],
  ['Service', '/spec/loadBalancerIP', '/spec/loadBalancerIp', 'KubeService', 'loadBalancerIP'],
])("a %s patched at %s, Kubernetes' spelling, is refused, naming %s", (kind, pointer, spelling, className, field) => {
  const chart = Testing.chart();
  const fibClient = new FibClient(chart, 'fib-client');
  const construct = kind === 'Pod' ? fibClient.pod : fibClient.service;
  const value = kind === 'Pod' ? true : '10.0.0.1';
  ApiObject.of(construct).addJsonPatch(JsonPatch.add(pointer, value));
  const where = kind === 'Pod' ? 'test/fib-client/pod' : 'test/fib-client/service';
  expect(() => Testing.synth(chart)).toThrow(
    new Error(
      `${PREFIX}  [] ${where}: JSON patch field ${pointer} must be spelled ${spelling}, the TypeScript name ` +
        `${className} writes as ${field} (got ${pointer}); ${RENAMED}`,
    ),
  );

  // The spelling the message names works: the manifest has the field in Kubernetes' spelling.
  const fixed = Testing.chart();
  const again = new FibClient(fixed, 'fib-client');
  ApiObject.of(kind === 'Pod' ? again.pod : again.service).addJsonPatch(JsonPatch.add(spelling, value));
  const manifest = findObject(synth(fixed), kind, kind === 'Pod' ? 'fib-client-pod' : 'fib-client-node-port');
  expect(manifest.spec[field]).toEqual(value);
});

test('in a pod template, and any dropped value: a number where the class reads an IntOrString', () => {
  const chart = Testing.chart();
  const nginx = new NginxDeployment(chart, 'nginx');
  ApiObject.of(nginx.deployment).addJsonPatch(
    JsonPatch.add('/spec/template/spec/hostPID', true),
    JsonPatch.add('/spec/strategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } }),
  );
  expect(() => Testing.synth(chart)).toThrow(
    new Error(
      `${PREFIX}  [] test/nginx/deployment: JSON patch field /spec/strategy/rollingUpdate/maxSurge must be a field ` +
        "of KubeDeployment's TypeScript props with a value it writes (got 1); cdk8s drops anything else: check the " +
        'name, and write an IntOrString or a Quantity as { value: ... }\n' +
        '  [] test/nginx/deployment: JSON patch field /spec/template/spec/hostPID must be spelled ' +
        '/spec/template/spec/hostPid, the TypeScript name KubeDeployment writes as hostPID (got ' +
        `/spec/template/spec/hostPID); ${RENAMED}`,
    ),
  );
});

test("any object of the app counts, and patches that cdk8s keeps pass: the constructs' own, labels, values", () => {
  const chart = Testing.chart();
  const nginx = new NginxDeployment(chart, 'nginx');
  ApiObject.of(nginx.deployment).addJsonPatch(
    JsonPatch.add('/spec/strategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: { value: 1 } } }),
    JsonPatch.add('/spec/template/metadata/labels/Example.com~1Tier', 'a'),
    JsonPatch.replace('/spec/template/spec/containers/0/resources/limits/cpu', { value: '300m' }),
  );
  const config = new KubeConfigMap(chart, 'config', { metadata: { name: 'settings' } });
  config.addJsonPatch(JsonPatch.add('/data', { 'A_KEY/x': 'v' }), JsonPatch.add('/binaryDate', {}));
  expect(() => Testing.synth(chart)).toThrow(
    new Error(
      `${PREFIX}  [] test/config: JSON patch field /binaryDate must be a field of KubeConfigMap's TypeScript props ` +
        'with a value it writes (got {}); cdk8s drops anything else: check the name, and write an IntOrString or a ' +
        'Quantity as { value: ... }',
    ),
  );
});

// typeScriptName against the generated code itself: every field of every class in imports/k8s.ts
// and in cdk8s-plus-27's own import, `'hostPID': obj.hostPid`, Kubernetes' name then TypeScript's.
test.each([
  ['imports/k8s.ts', path.join(__dirname, '../imports/k8s.ts')],
  ["cdk8s-plus-27's import", require.resolve('cdk8s-plus-27/lib/imports/k8s.js')],
])('typeScriptName spells every field of %s as the generated class does', (_, file) => {
  const fields = [...fs.readFileSync(file, 'utf8').matchAll(/^\s+'([^']+)': \(*obj\.([\w$]+)/gm)];
  const mismatches = fields.filter(([, name = '', spelling]) => typeScriptName(name) !== spelling);
  expect(mismatches.map(([line]) => line)).toEqual([]);
  expect(fields.length).toBeGreaterThan(1000);
  expect(fields.filter(([, name, spelling]) => name !== spelling).length).toBeGreaterThan(20);
});
