// What every gate of `npm run check` reports: one problem in one object, printed on one line.
import * as path from 'node:path';

/** One problem a gate found. */
export interface Finding {
  /** The gate that found it: `schema 1.27.0`, `kube-score`, `pod-security`. */
  readonly gate: string;
  /** The manifest file, relative to the working directory. */
  readonly file: string;
  /** The object, as `Kind/name`. */
  readonly object: string;
  /** Where in the object, e.g. `spec.containers[0].ports[0].containerPort`; empty for the whole object. */
  readonly field: string;
  /** What is wrong. */
  readonly message: string;
}

/** `gate: file Kind/name: field: message`, one line. */
export function formatFinding(finding: Finding): string {
  const where = finding.field === '' ? '' : `${finding.field}: `;
  return `${finding.gate}: ${finding.file} ${finding.object}: ${where}${finding.message}`;
}

/** `file` relative to the working directory if it is inside it, else absolute. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative === '' || relative.startsWith('..') ? path.resolve(file) : relative;
}

/**
 * A JSON pointer (`/spec/containers/0/name`) as a kubectl-style field path
 * (`spec.containers[0].name`); a key that is not a plain name is quoted (`annotations["a/b"]`).
 */
export function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment, index) => {
      if (/^\d+$/.test(segment)) {
        return `[${segment}]`;
      }
      if (/^[A-Za-z_][\w-]*$/.test(segment)) {
        return index === 0 ? segment : `.${segment}`;
      }
      return `[${JSON.stringify(segment)}]`;
    })
    .join('');
}
