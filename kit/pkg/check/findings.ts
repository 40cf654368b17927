// What every gate of `npm run check` reports: one problem in one object, printed on one line.
import * as path from 'node:path';
import { type KubeObject, objectId } from '../common/kube';

/** One problem a gate found. */
export interface Finding {
  /** The gate that found it: `read`, `schema 1.27.0`, `kube-score`, `pod-security`. */
  readonly gate: string;
  /** The manifest file, relative to the working directory. */
  readonly file: string;
  /** The object, as `Kind/name`; empty for the whole file (one kubectl cannot read). */
  readonly object: string;
  /** Where in the object, e.g. `spec.containers[0].ports[0].containerPort`; empty for the whole object. */
  readonly field: string;
  /** What is wrong. */
  readonly message: string;
}

/** `gate: file Kind/name: field: message`, one line (`gate: file: message` for a whole file). */
export function formatFinding(finding: Finding): string {
  const object = finding.object === '' ? '' : ` ${finding.object}`;
  const where = finding.field === '' ? '' : `${finding.field}: `;
  return `${finding.gate}: ${finding.file}${object}: ${where}${finding.message}`;
}

/** `file` relative to the working directory if it is inside it, else absolute. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative === '' || relative.startsWith('..') ? path.resolve(file) : relative;
}

/** Whose finding one about `object` of `file` is and where: the gate, the file as displayed, `Kind/name`. */
export function findingSite(gate: string, file: string, object: KubeObject): Pick<Finding, 'gate' | 'file' | 'object'> {
  const { kind, name } = objectId(object);
  return { gate, file: displayPath(file), object: `${kind}/${name}` };
}
