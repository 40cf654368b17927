// The manifests under test: dist/ as `npm run synth` wrote it, and broken copies of it made
// at test time, so the negative cases always start from the real output.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { loadObjects, manifestFiles } from '../common/manifests';
import { findObject } from '../../test/manifests';

/** A Kubernetes object from dist/, as plain JSON. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; labels?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are arbitrary JSON; the tests mutate them.
  spec?: any;
}

/** Every object in the YAML files of `dir`; throws if there is none (dist/ not synthesized). */
export function loadDist(dir: string): KubeObject[] {
  return loadObjects(manifestFiles(dir)).map(({ object }) => object as unknown as KubeObject);
}

/**
 * Writes a copy of `objects` in which the object `kind`/`name` is replaced by a broken
 * variant: `break` mutates a deep copy of it, which is renamed `<name>-<suffix>` so that
 * applying the copy never touches the good object. Returns the directory, ready for
 * `kubectl apply -f`.
 */
export function brokenCopy(
  objects: readonly KubeObject[],
  kind: string,
  name: string,
  suffix: string,
  breakIt: (broken: KubeObject) => void,
): string {
  const copy = objects.map((o) => structuredClone(o));
  const target = findObject(copy, kind, name);
  target.metadata.name = `${name}-${suffix}`;
  breakIt(target);
  const dir = mkdtempSync(path.join(tmpdir(), `k8s-sandbox-e2e-${suffix}-`));
  writeFileSync(path.join(dir, 'broken.k8s.yaml'), copy.map((o) => stringify(o)).join('---\n'));
  return dir;
}
