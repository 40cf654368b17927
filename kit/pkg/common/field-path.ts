// The one way the tools name a field inside an object, as kubectl's messages do:
// `spec.template.spec.containers[0].image`, a list item found by its merge key as
// `containers[name=nginx]`, and a key that is not a plain name quoted: `annotations["a/b"]`.

/** One step of a path: a key, a list index, or a list item found by its merge key. */
export type Segment = string | number | { readonly key: string; readonly value: string | number };

/** A path as people write it: `spec.template.spec.containers[name=nginx].image`. */
export function formatPath(path: readonly Segment[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') {
        return `[${segment}]`;
      }
      if (typeof segment === 'object') {
        return `[${segment.key}=${segment.value}]`;
      }
      // Label and annotation keys hold dots and slashes: quote them so the path stays readable.
      if (!/^[A-Za-z_$][\w$-]*$/.test(segment)) {
        return `[${JSON.stringify(segment)}]`;
      }
      return index === 0 ? segment : `.${segment}`;
    })
    .join('');
}

/** The segments of a JSON pointer (`/spec/containers/0/name`); an all-digit step is a list index. */
export function pointerSegments(pointer: string): Segment[] {
  return pointer
    .split('/')
    .slice(1)
    .map((step) => step.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((step) => (/^\d+$/.test(step) ? Number(step) : step));
}
