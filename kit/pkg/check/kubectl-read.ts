// What `npm run check` checks: the manifests at PATH... as `kubectl apply -f PATH... [-R]` reads
// them, read by kubectl's own code (kube-rules read, kit/go/check/kube-rules/read.go: its path
// expansion, its YAML-or-JSON decoder, its unstructured objects and list flattening). Every gate
// sees those objects, what kubectl would send.
//
// The read gate: a file kubectl cannot read is one finding in kubectl's words (the other files are
// still checked, as kubectl applies them); and every file is also read by the toolkit's own reader
// (kit/pkg/common/manifests.ts, that of `npm run diff` and `npm run apply`), and where the two
// readings differ, that is a finding naming both: a file the toolkit cannot read, another number
// of objects, a value (`0X1F`, a number to kubectl) or a key read otherwise. A key given twice is
// one too: kubectl takes its last value without a word.
import * as fs from 'node:fs';
import { type Finding, displayPath } from './findings';
import { type Segment, formatPath } from '../common/field-path';
import { type KubeObject, isRecord, objectId } from '../common/kube';
import { type ManifestObject, parseManifests } from '../common/manifests';
import { run } from '../common/process';

/** One file as kubectl reads it. */
export interface KubectlFile {
  /** As kubectl names it: a path given, or joined to the folder given. */
  readonly path: string;
  /** The objects kubectl reads from it, lists flattened; those before an error too. */
  readonly objects: readonly KubeObject[];
  /** Why kubectl cannot read it (all of it), in kubectl's words. */
  readonly error?: string;
  /** What it held, when it is not a regular file (a pipe, read once). */
  readonly text?: string;
}

/**
 * The files and objects of `paths` as `kubectl apply -f` reads them (`recursive`: with -R); throws
 * kubectl's refusal when it would refuse the paths themselves, or read no object from them.
 */
export async function readAsKubectl(
  kubeRules: string,
  paths: readonly string[],
  recursive: boolean,
): Promise<KubectlFile[]> {
  const input = JSON.stringify({ paths, recursive });
  const answer = JSON.parse((await run(kubeRules, ['read'], { input })).stdout) as {
    error?: string;
    files?: KubectlFile[];
  };
  const hint = 'name folders or files of Kubernetes manifests, or run `npm run synth` first';
  if (answer.error !== undefined) {
    throw new Error(`error: ${answer.error} (as kubectl apply -f says it); ${hint}`);
  }
  const files = answer.files ?? [];
  // kubectl apply's own check, when no file had an error to report.
  if (files.every((file) => file.objects.length === 0 && file.error === undefined)) {
    const what = files.length === 1 ? files[0]!.path : `the ${files.length} files of ${paths.join(', ')}`;
    throw new Error(`error: no objects passed to apply (as kubectl apply -f says it: ${what} holds none); ${hint}`);
  }
  return files;
}

/** Every object kubectl reads, with its file. */
export function kubectlObjects(files: readonly KubectlFile[]): ManifestObject[] {
  return files.flatMap((file) => file.objects.map((object) => ({ file: file.path, object })));
}

/** The read gate's findings for `files` (see the top of this file). */
export function readFindings(files: readonly KubectlFile[]): Finding[] {
  return files.flatMap((file) => {
    const finding = (object: string, field: string, message: string): Finding => ({
      gate: 'read',
      file: displayPath(file.path),
      object,
      field,
      message,
    });
    const found = file.error === undefined ? [] : [finding('', '', `kubectl: ${file.error}`)];
    let text: string;
    try {
      text = file.text ?? fs.readFileSync(file.path, 'utf8');
    } catch {
      return found; // kubectl could not open it either, and said why
    }
    let ours: KubeObject[];
    const duplicates: Finding[] = [];
    try {
      ours = parseManifests(text, file.path, (key, line) =>
        duplicates.push(
          finding('', '', `line ${line}: the key ${JSON.stringify(key)} is given twice; kubectl takes the last`),
        ),
      );
    } catch (error) {
      const why = (error as Error).message.replace(`${file.path}: `, '');
      return file.error !== undefined
        ? found
        : [
            finding(
              '',
              '',
              `the project's reader cannot read it (${why}); kubectl reads ${count(file.objects.length)}`,
            ),
          ];
    }
    found.push(...duplicates);
    if (file.error !== undefined) {
      return found;
    }
    if (ours.length !== file.objects.length) {
      return [
        ...found,
        finding('', '', `the project reads ${count(ours.length)}, kubectl reads ${count(file.objects.length)}`),
      ];
    }
    return [
      ...found,
      ...file.objects.flatMap((theirs, index) => {
        const { kind, name } = objectId(theirs);
        return differences(ours[index], theirs, []).map(({ field, message }) =>
          finding(`${kind}/${name}`, field, message),
        );
      }),
    ];
  });
}

const count = (n: number) => (n === 1 ? '1 object' : `${n} objects`);

/** Where the project's reading (`ours`) and kubectl's (`theirs`) of one value differ. */
function differences(ours: unknown, theirs: unknown, at: Segment[]): { field: string; message: string }[] {
  if (isRecord(ours) && isRecord(theirs)) {
    const onlyOurs = Object.keys(ours).filter((key) => !Object.hasOwn(theirs, key));
    const onlyTheirs = Object.keys(theirs).filter((key) => !Object.hasOwn(ours, key));
    const keys =
      onlyOurs.length + onlyTheirs.length === 0
        ? []
        : [{ field: formatPath(at), message: keysRead(onlyOurs, onlyTheirs) }];
    return [
      ...keys,
      ...Object.keys(ours)
        .filter((key) => Object.hasOwn(theirs, key))
        .flatMap((key) => differences(ours[key], theirs[key], [...at, key])),
    ];
  }
  if (Array.isArray(ours) && Array.isArray(theirs) && ours.length === theirs.length) {
    return ours.flatMap((item, index) => differences(item, theirs[index], [...at, index]));
  }
  if (ours === theirs || Object.is(ours, theirs)) {
    return [];
  }
  return [{ field: formatPath(at), message: `the project reads ${shown(ours)}, kubectl reads ${shown(theirs)}` }];
}

function keysRead(onlyOurs: readonly string[], onlyTheirs: readonly string[]): string {
  const keys = (list: readonly string[]) =>
    `the ${list.length === 1 ? 'key' : 'keys'} ${list.map((key) => JSON.stringify(key)).join(', ')}`;
  if (onlyTheirs.length === 0) return `the project reads ${keys(onlyOurs)}, kubectl does not`;
  if (onlyOurs.length === 0) return `kubectl reads ${keys(onlyTheirs)}, the project does not`;
  return `the project reads ${keys(onlyOurs)}, kubectl reads ${keys(onlyTheirs)}`;
}

// A value as JSON writes it (a string quoted, a number bare), cut short when long.
function shown(value: unknown): string {
  const json = value === undefined ? 'nothing' : JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
