// Refuses, at synth, a field that a JSON patch (`ApiObject.of(x).addJsonPatch(...)`) writes and
// the manifest then lacks. cdk8s applies an object's patches to its JSON before the generated
// class (KubePod, KubeService...) converts that JSON into the manifest (`toJson_KubePodProps`),
// which reads each field by its TypeScript name and drops any other (cdk8s-team/cdk8s#2172): a
// patch of `/spec/hostPID`, Kubernetes' spelling, is dropped without a word, where `/spec/hostPid`
// works. The check compares the patched JSON with the manifest, field by field.
import { isDeepStrictEqual } from 'node:util';
import { ApiObject } from 'cdk8s';
import camelCase from 'camelcase';
import { isPlainObject, received } from './props';

/**
 * One message per field of `apiObject`'s patched JSON that its manifest (`apiObject.toJson()`,
 * given as `manifest`) drops, naming the spelling that works where the field has another
 * TypeScript name.
 */
export function droppedPatchFields(apiObject: ApiObject, manifest: unknown, where: string): string[] {
  const render: () => unknown = Object.getPrototypeOf(apiObject).toJson;
  if (render === ApiObject.prototype.toJson) {
    // No generated class: the manifest is the patched JSON.
    return [];
  }
  const className = apiObject.constructor.name;
  return droppedFields(ApiObject.prototype.toJson.call(apiObject), manifest, '').map(({ pointer, value }) => {
    const segments = pointer.split('/');
    const field = segments.pop() ?? '';
    const spelling = typeScriptName(field);
    if (spelling !== field) {
      return (
        `${where}: JSON patch field ${pointer} must be spelled ${[...segments, spelling].join('/')}, the TypeScript ` +
        `name ${className} writes as ${field} (got ${pointer}); cdk8s applies a patch before it renames the fields ` +
        "to Kubernetes' spelling, and drops a name it does not know"
      );
    }
    return (
      `${where}: JSON patch field ${pointer} must be a field of ${className}'s TypeScript props with a value it ` +
      `writes (got ${received(value)}); cdk8s drops anything else: check the name, and write an IntOrString or a ` +
      'Quantity as { value: ... }'
    );
  });
}

/** A field of the patched JSON that the manifest lacks, or holds with another value. */
interface DroppedField {
  /** JSON pointer in the patched JSON. */
  readonly pointer: string;
  readonly value: unknown;
}

/**
 * The fields of `patched` (the JSON before the conversion, in TypeScript names) that `manifest`
 * (after it, in Kubernetes' names) lacks or holds with another value.
 */
function droppedFields(patched: unknown, manifest: unknown, pointer: string): DroppedField[] {
  if (Array.isArray(patched)) {
    if (!Array.isArray(manifest)) {
      return [{ pointer, value: patched }];
    }
    return patched.flatMap((item, i) => droppedFields(item, manifest[i], `${pointer}/${i}`));
  }
  if (isPlainObject(patched)) {
    if (!isPlainObject(manifest)) {
      // A Quantity or an IntOrString is { value } before the conversion and its value after it.
      const converted = Object.keys(patched).length === 1 && isDeepStrictEqual(patched.value, manifest);
      return converted ? [] : [{ pointer, value: patched }];
    }
    const names = Object.keys(manifest);
    return Object.entries(patched).flatMap(([key, value]) => {
      // The same name (a label key, a field spelled alike), else the Kubernetes name of the same
      // letters (hostPid is written hostPID).
      const name = Object.hasOwn(manifest, key) ? key : names.find((n) => letters(n) === letters(key));
      const escaped = key.replaceAll('~', '~0').replaceAll('/', '~1');
      return name === undefined
        ? [{ pointer: `${pointer}/${escaped}`, value }]
        : droppedFields(value, manifest[name], `${pointer}/${escaped}`);
    });
  }
  return isDeepStrictEqual(patched, manifest) ? [] : [{ pointer, value: patched }];
}

/** A field name's letters and digits, lowercase: what a TypeScript and a Kubernetes name share. */
function letters(name: string): string {
  return name.toLowerCase().replaceAll(/[^a-z0-9]/g, '');
}

/**
 * The TypeScript name of the Kubernetes field `name` in a class that `cdk8s import` generates, as
 * its code generator (json2jsii's emitProperty) makes it: no leading `$`, the first `/` as `_`,
 * then camelcase, the package json2jsii uses. test/json-patches.test.ts compares it with every
 * field of the generated classes.
 */
export function typeScriptName(name: string): string {
  const spelled = camelCase(name.replace(/^\$/, '').replace('/', '_'));
  return PROHIBITED_MEMBER_NAMES.includes(spelled.toLowerCase()) ? `${spelled}_` : spelled;
}

// The names json2jsii gives a trailing '_' (jsii reserves them in other languages).
const PROHIBITED_MEMBER_NAMES = ['build', 'equals', 'hashcode'];
