// The defaults that the API server drops must stay out of the manifests, or every repeated
// `kubectl apply -f dist` reports the object "configured" (the e2e test proves that on a cluster).
import { Testing } from 'cdk8s';
import { addSandboxCharts } from '../lib';
import { DROPPED_DEFAULTS } from '../lib/api-defaults';
import { synth } from './manifests';

function valueAt(object: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], object);
}

test.each(Object.entries(DROPPED_DEFAULTS))('%s manifests leave out %j', (kind, pointers) => {
  const objects = Object.values(addSandboxCharts(Testing.app()))
    .flatMap(synth)
    .filter((m) => m.kind === kind);
  expect(objects).not.toHaveLength(0);
  for (const object of objects) {
    for (const pointer of pointers) {
      expect([`${kind}/${object.metadata.name}${pointer}`, valueAt(object, pointer)]).toEqual([
        `${kind}/${object.metadata.name}${pointer}`,
        undefined,
      ]);
    }
  }
});
