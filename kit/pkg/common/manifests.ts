// The manifests at a path, read as `kubectl apply -f PATH` reads them: a file (or pipe) whatever its name,
// or every *.json, *.yaml and *.yml file directly in a folder (no -R), in name order; every
// document of each file (YAML as kubectl reads it, or a stream of JSON objects), a `kind: List`
// standing for its items. The reader of the toolkit's own tools: `npm run diff`/`diagram`,
// `npm run apply`, `npm run dev`, the synth plugin and the e2e suites read manifests through it.
// `npm run check` does not: it reads with kubectl's own code (kube-rules read,
// kit/pkg/check/kubectl-read.ts) and reports every value this reader reads otherwise (number-like
// scalars such as `0X1F`, escapes such as `\'` in double quotes that this reader refuses).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Tags, isScalar, parseAllDocuments, stringify } from 'yaml';
import { type KubeObject, isRecord } from './kube';
import { BINARY_TAG, binaryAsKubectl } from './yaml-binary';

export type { KubeObject } from './kube';

/** A Kubernetes object and the file it came from. */
export interface ManifestObject {
  /** The file, as given or joined to the folder given. */
  readonly file: string;
  readonly object: KubeObject;
}

// The extensions kubectl reads in a folder (k8s.io/cli-runtime's FileExtensions).
const MANIFEST_FILE = /\.(json|ya?ml)$/;

/** The manifest files `kubectl apply -f target` reads, sorted; throws when there is none. */
export function manifestFiles(target: string): string[] {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  // A pipe too (a FIFO, `<(...)`): kubectl reads it as a file.
  if (stat?.isFile() || stat?.isFIFO()) {
    return [target];
  }
  const files = stat?.isDirectory()
    ? fs
        .readdirSync(target, { withFileTypes: true })
        // kubectl skips subfolders without -R; a link to a file counts as a file.
        .filter((entry) => MANIFEST_FILE.test(entry.name) && !entry.isDirectory())
        // A link that leads nowhere (dangling, or a loop) is kept: reading it says which and names it.
        .filter((entry) => !entry.isSymbolicLink() || !isDirectory(path.join(target, entry.name)))
        .map((entry) => entry.name)
        .sort()
        .map((name) => path.join(target, name))
    : [];
  if (files.length === 0) {
    const what = stat === undefined ? 'does not exist' : 'holds no manifests (*.json, *.yaml, *.yml)';
    throw new Error(`${target} ${what}: run \`npm run synth\` first, or name a folder or file of manifests`);
  }
  return files;
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'it does not exist, or is a symbolic link to nothing',
  ELOOP: 'a loop of symbolic links',
  EACCES: 'no permission to read it',
};

/** Every object in the manifest files at `target` (a folder or a file), files in name order. */
export function readManifests(target: string): KubeObject[] {
  return loadObjects(manifestFiles(target)).map(({ object }) => object);
}

/** `objects` as the text of one YAML manifest file, a document each, as `kubectl apply -f` reads it. */
export function formatManifests(objects: readonly KubeObject[]): string {
  return objects.map((object) => stringify(object)).join('---\n');
}

/**
 * Every object of `files`, from each file's text as {@link parseManifests} reads it. A file that
 * cannot be read throws with its name and why.
 */
export function loadObjects(files: readonly string[]): ManifestObject[] {
  return files.flatMap((file) => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      const why = READ_ERRORS[code] === undefined ? code : `${READ_ERRORS[code]}, ${code}`;
      throw new Error(`${file}: cannot read it (${why}); a manifest must be a readable file`);
    }
    return parseManifests(text, file).map((object) => ({ file, object }));
  });
}

/**
 * The objects in the text of one manifest file: each non-empty document, or the items of a
 * `kind: List`. Text that is not YAML or JSON, or holds something other than objects, throws
 * with `origin` (the file) and why. A key given twice in a YAML mapping counts once, with its last
 * value (as kubectl reads it); `onDuplicateKey` hears of each, with its line.
 */
export function parseManifests(
  text: string,
  origin: string,
  onDuplicateKey?: (key: string, line: number) => void,
): KubeObject[] {
  return documents(origin, text, onDuplicateKey).flatMap((value) => {
    if (value === null || value === undefined) {
      return [];
    }
    if (!isRecord(value)) {
      const what = Array.isArray(value) ? 'a list' : `the value ${JSON.stringify(value)}`;
      throw new Error(`${origin}: a document is ${what}, not a Kubernetes object`);
    }
    return (isList(value) ? (value.items as unknown[]) : [value]).map(
      (object) => (isRecord(object) ? object : { value: object }) as KubeObject,
    );
  });
}

// kubectl reads YAML with sigs.k8s.io/yaml, which is go-yaml v2: YAML 1.1 scalars (`no`, `off`,
// `y` are booleans, `0755` octal), but no sexagesimal numbers (`1:20` stays a string) and a
// timestamp stays a string when decoded into a generic value; `!!binary` becomes a string too.
const YAML_AS_KUBECTL = {
  uniqueKeys: false,
  version: '1.1',
  customTags: (tags: Tags) => [
    ...tags.filter(
      (tag) =>
        typeof tag !== 'object' ||
        (!('format' in tag && tag.format === 'TIME') && tag.tag !== TIMESTAMP && tag.tag !== BINARY_TAG),
    ),
    binaryAsKubectl,
  ],
} as const;
const TIMESTAMP = 'tag:yaml.org,2002:timestamp';

// The yaml library's own limit on alias uses, against documents that expand exponentially.
const MAX_ALIAS_COUNT = 100;

// As kubectl decides it: text that starts with `{` is JSON, else, or when it is not JSON (YAML's
// flow style: `{apiVersion: v1, ...}`), YAML documents; when neither reads it, the JSON error.
function documents(file: string, withBom: string, onDuplicateKey?: (key: string, line: number) => void): unknown[] {
  // A UTF-8 byte-order mark is not part of the text (kubectl's decoder skips it too).
  const text = withBom.replace(/^\uFEFF/, '');
  if (text.trimStart().startsWith('{')) {
    try {
      return jsonStream(text);
    } catch (error) {
      try {
        return yamlDocuments(file, text, onDuplicateKey);
      } catch {
        throw new Error(`${file}: not JSON: ${(error as Error).message}`);
      }
    }
  }
  return yamlDocuments(file, text, onDuplicateKey);
}

function yamlDocuments(file: string, text: string, onDuplicateKey?: (key: string, line: number) => void): unknown[] {
  // The yaml library asks this of every two keys of a mapping: they are never "the same" to it,
  // so the last value counts, but a key given twice is heard of.
  const uniqueKeys = (a: unknown, b: unknown): boolean => {
    if (isScalar(a) && isScalar(b) && a.value === b.value && onDuplicateKey !== undefined) {
      const offset = b.range?.[0] ?? 0;
      onDuplicateKey(String(b.value), text.slice(0, offset).split('\n').length);
    }
    return false;
  };
  return parseAllDocuments(text, { ...YAML_AS_KUBECTL, uniqueKeys }).map((document) => {
    if (document.errors.length > 0) {
      // The yaml library's message, without the excerpt of the text under it: one line.
      throw new Error(`${file}: not YAML: ${document.errors[0]?.message.split('\n')[0]?.replace(/:$/, '')}`);
    }
    try {
      return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      // An alias bomb: a few lines whose aliases expand to billions of nodes.
      throw new Error(
        `${file}: not read: ${(error as Error).message} (at most ${MAX_ALIAS_COUNT} alias uses per document)`,
      );
    }
  });
}

// A stream of JSON values, one after another (kubectl's decoder reads `{...}{...}` or one a line).
function jsonStream(text: string): unknown[] {
  const values: unknown[] = [];
  let start = text.search(/\S/);
  while (start !== -1 && start < text.length) {
    let depth = 0;
    let inString = false;
    let end = start;
    for (; end < text.length; end++) {
      const char = text[end];
      if (inString) {
        if (char === '\\') end++;
        else if (char === '"') inString = false;
      } else if (char === '"') inString = true;
      else if (char === '{' || char === '[') depth++;
      else if ((char === '}' || char === ']') && --depth === 0) break;
      else if (depth === 0) break;
    }
    values.push(JSON.parse(text.slice(start, end + 1)));
    const next = text.slice(end + 1).search(/\S/);
    start = next === -1 ? -1 : end + 1 + next;
  }
  return values;
}

// kubectl applies the items of a List (any apiVersion, any kind ending in List with items).
function isList(value: KubeObject): boolean {
  return typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items);
}
