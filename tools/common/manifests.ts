// The manifests in a directory, read as `kubectl apply -f DIR` reads them: every YAML document of
// every *.yaml file directly in DIR (no -R). Used by `npm run check`, `npm run diff`/`diagram` and
// the e2e test.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object and the file it came from. */
export interface ManifestObject {
  /** The file, relative to the working directory. */
  readonly file: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary JSON until a gate checks it.
  readonly object: any;
}

/** The YAML files of `dir`, sorted; throws when there is none. */
export function manifestFiles(dir: string): string[] {
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((file) => /\.ya?ml$/.test(file))
        .sort()
        .map((file) => path.join(dir, file))
    : [];
  if (files.length === 0) {
    throw new Error(`no manifests (*.yaml) in ${dir}/: run \`npm run synth\` first`);
  }
  return files;
}

/**
 * Every non-empty document of `files`; a file that is not YAML throws with its parser error.
 * A key given twice is left to the schema gate, which reports it as a finding.
 */
export function loadObjects(files: readonly string[]): ManifestObject[] {
  return files.flatMap((file) =>
    parseAllDocuments(fs.readFileSync(file, 'utf8'), { uniqueKeys: false }).flatMap((document) => {
      if (document.errors.length > 0) {
        throw new Error(`${file}: ${document.errors[0]?.message}`);
      }
      const object = document.toJS();
      return object === null || object === undefined ? [] : [{ file, object }];
    }),
  );
}
