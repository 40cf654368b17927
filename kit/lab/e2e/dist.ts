// Broken copies of the manifests under test, made at test time, so the negative cases always
// start from the real output (dist/, or E2E_DIST_DIR).
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type KubeObject, findObject } from '../../pkg/common/kube';
import { formatManifests } from '../../pkg/common/manifests';
import { makeTempDir } from '../../pkg/common/temp-dir';

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
  const dir = makeTempDir(`k8s-sandbox-e2e-${suffix}-`);
  writeFileSync(path.join(dir, 'broken.k8s.yaml'), formatManifests(copy));
  return dir;
}
