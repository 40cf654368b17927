// The schema gate: kubeconform in strict mode (no unknown fields, every value of its declared
// type) against schemas derived from one Kubernetes version's API definitions. It is handed
// kubectl's reading of the manifests (kubectl-read.ts), one JSON file per object in a folder that
// it walks (so flow style and escapes no longer matter to it, and no argument list grows with the
// number of files); each answer is mapped back to the manifest file and object.
// Built-in kinds only: kubeconform finds a schema by kind, version and the group's first word,
// so it would check an `apps.example.com/v1` Deployment against the built-in apps/v1 one, and
// its JSON schemas do not know a CustomResourceDefinition's `nullable`, defaults or CEL rules.
// Custom resources are the api-server gate's (api-server.ts), which checks them with the API
// server's own code against their CustomResourceDefinition.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Finding, displayPath } from './findings';
import { formatPath, pointerSegments } from '../common/field-path';
import type { ManifestObject } from '../common/manifests';
import { objectId } from '../common/kube';
import { type ApiSchemaSource, cachedApiGroups, cachedKubeconformSchemas } from './schemas';
import { withTempDir } from '../common/temp-dir';
import { run } from '../common/process';

interface KubeconformResult {
  readonly filename: string;
  readonly kind: string;
  readonly name: string;
  readonly version: string;
  readonly status: string;
  readonly msg: string;
}

/**
 * Validates every object of `objects` against the API of `source`; one finding per wrong field.
 * An object of a group outside `builtInGroups` (by default the groups of `source` itself) is a
 * custom resource, and skipped.
 */
export async function validateSchemas(
  kubeconform: string,
  source: ApiSchemaSource,
  objects: readonly ManifestObject[],
  builtInGroups?: ReadonlySet<string>,
): Promise<Finding[]> {
  const gate = `schema ${source.version}`;
  const api = await cachedKubeconformSchemas(source);
  const groups = builtInGroups ?? (await cachedApiGroups(source));
  const stdout = await withTempDir('k8s-sandbox-kubeconform-', async (dir) => {
    const spool = path.join(dir, 'objects');
    fs.mkdirSync(spool);
    objects.forEach(({ object }, index) => {
      if (typeof object.apiVersion !== 'string' || groups.has(objectId(object).group)) {
        fs.writeFileSync(path.join(spool, `${index}.json`), JSON.stringify(object));
      }
    });
    const args = ['-strict', '-output', 'json', '-kubernetes-version', source.version, '-schema-location', api];
    // kubeconform exits 1 when it found a problem: the JSON says what.
    return (await run(kubeconform, [...args, spool], { okExitCodes: [1] })).stdout;
  });
  const results = (JSON.parse(stdout) as { resources: KubeconformResult[] }).resources;
  const findings = results.flatMap((result) => {
    const file = objects[Number(path.basename(result.filename, '.json'))]?.file ?? result.filename;
    const where = { gate, file: displayPath(file), object: `${result.kind}/${result.name}` };
    return resultProblems(result, source.version).map((problem) => ({ ...where, ...problem }));
  });
  // kubeconform validates in parallel and the validator walks maps: a stable order for readers.
  const key = (f: Finding) => `${f.file}\0${f.object}\0${f.field}`;
  return findings.sort((a, b) => key(a).localeCompare(key(b)));
}

function resultProblems(result: KubeconformResult, version: string): { field: string; message: string }[] {
  if (result.status === 'statusInvalid') {
    return validationErrors(result.msg);
  }
  if (/^could not find schema for /.test(result.msg)) {
    return [{ field: 'apiVersion', message: `Kubernetes ${version} has no ${result.version} ${result.kind}` }];
  }
  // Errors before validation: a document that is not a Kubernetes object, a key given twice.
  return [{ field: '', message: result.msg.replace(/\s*\n\s*/g, ' ') }];
}

/**
 * kubeconform prints the validator's error tree flattened into one line,
 * `... - at '/spec/x': message - at '/spec/y': message`; one entry per field, skipping the
 * "validation failed" of the objects that merely contain a wrong field.
 */
function validationErrors(msg: string): { field: string; message: string }[] {
  const byField = new Map<string, string[]>();
  for (const [, pointer, message] of msg.matchAll(/- at '([^']*)': (.*?)(?=\s+- at '|$)/g)) {
    if (message === 'validation failed') {
      continue;
    }
    const field = formatPath(pointerSegments(pointer as string));
    byField.set(field, [...(byField.get(field) ?? []), message as string]);
  }
  if (byField.size === 0) {
    return [{ field: '', message: msg }];
  }
  return [...byField].map(([field, messages]) => ({ field, message: messages.join('; ') }));
}
