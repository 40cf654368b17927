// Manifests for the gate tests: the sandbox fixture (kit/pkg/common/test/sandbox/, laid out as
// dist/) and deliberately broken objects, written to a temporary directory the test removes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatManifests } from '../../common/manifests';
import { sandboxFiles } from '../../common/test/sandbox-fixture';
import { makeTempDir, removeTempDir } from '../../common/temp-dir';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are arbitrary JSON.
export type Json = any;

// Every directory manifestDir makes goes when the test file that made it is done.
const made: string[] = [];
afterAll(() => made.forEach(removeTempDir));

/** A temporary directory with one YAML file per entry of `files` (name -> objects), removed after the file's tests. */
export function manifestDir(files: Record<string, Json[]>): string {
  const dir = makeTempDir('k8s-sandbox-check-');
  made.push(dir);
  for (const [name, objects] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), formatManifests(objects));
  }
  return dir;
}

/** The objects of the sandbox fixture: file name -> objects. */
export function sandboxManifests(): Record<string, Json[]> {
  return sandboxFiles();
}

/** The sandbox's nginx Deployment, a deep copy to break. */
export function nginxDeployment(): Json {
  const deployment = sandboxManifests()['nginx.k8s.yaml']?.find((o: Json) => o.kind === 'Deployment');
  return structuredClone(deployment);
}

/**
 * A CustomResourceDefinition of `kind` (plural: its lower case and an s) in `group`, one served
 * and stored version v1, whose schema gives the custom resource's `spec` the schema `spec`.
 */
export function customResourceDefinition(group: string, kind: string, spec: Json): Json {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, plural },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec } } },
        },
      ],
    },
  };
}
