// The files handed to the gates that read files themselves (kubeconform, kube-score), so that they
// see every object the project's one reader (kit/pkg/common/manifests.ts) read, as kubectl does.
// Both read a YAML stream, but only the first value of a JSON stream (`{...}{...}`), and
// kubeconform skips a file whose name does not end in .yaml, .yml or .json: such a file is handed
// over as a YAML copy of the objects read from it, and the gate's answers are mapped back to it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type ManifestObject, formatManifests } from '../common/manifests';

/** The files a gate reads, and the manifest file each stands for. */
export interface GateFiles {
  readonly files: readonly string[];
  /** The manifest file that `file` (one of `files`) stands for. */
  original(file: string): string;
}

/**
 * Each of `files` as it is where a gate reads it whole (YAML by name, or a .json file holding one
 * object), else a YAML copy of its `objects` written into `dir`.
 */
export function gateFiles(files: readonly string[], objects: readonly ManifestObject[], dir: string): GateFiles {
  const copies = new Map<string, string>();
  const handed = files.map((file, index) => {
    const read = objects.filter((object) => object.file === file);
    if (/\.ya?ml$/.test(file) || (/\.json$/.test(file) && read.length <= 1)) {
      return file;
    }
    const copy = path.join(dir, `${index}-${path.basename(file).replace(/[^\w.-]/g, '_')}.yaml`);
    fs.writeFileSync(copy, formatManifests(read.map(({ object }) => object)));
    copies.set(path.resolve(copy), file);
    return copy;
  });
  return { files: handed, original: (file) => copies.get(path.resolve(file)) ?? file };
}
