// A pipe given as a manifest (a FIFO, or bash's `<(...)`, which is /dev/fd/N) can be read once;
// kubectl reads it once, but `npm run check` hands its files to several programs (kubeconform,
// kube-score, its own reader). So check reads each pipe once into a file of a temp folder and
// names the pipe, not that file, in what it prints.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Whether `file` is a pipe (a FIFO, or a /dev/fd/N of a process substitution). */
export function isPipe(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isFIFO() === true;
}

/**
 * `files` with each pipe replaced by a file in `spoolDir` that holds what the pipe gave, and a
 * function from a file (as given here, or as any path to it) back to the name the user gave.
 */
export function spoolPipes(
  files: readonly string[],
  spoolDir: string,
): { files: string[]; original: (file: string) => string } {
  const originals = new Map<string, string>();
  const spooled = files.map((file, index) => {
    if (!isPipe(file)) {
      return file;
    }
    // A manifest's extension (/dev/fd/63 has none), as the gates' programs choose files by it;
    // YAML is a superset of JSON, so .yaml reads either.
    const name = `${index}-${path.basename(file)}`;
    const copy = path.join(spoolDir, /\.(json|ya?ml)$/.test(name) ? name : `${name}.yaml`);
    fs.writeFileSync(copy, fs.readFileSync(file));
    originals.set(path.resolve(copy), file);
    return copy;
  });
  return { files: spooled, original: (file) => originals.get(path.resolve(file)) ?? file };
}
