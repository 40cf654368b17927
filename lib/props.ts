// How the constructs and charts read their props: each prop once, checked against its rule at
// construction time, before anything is synthesized, with a message naming the prop, the value
// received and what is allowed. The rules themselves live beside what they check: numbers.ts,
// image-reference.ts, names.ts.
import { inspect } from 'node:util';

/**
 * A prop refused at construction: the message names the construct's class, the prop, the value
 * received and what is allowed; `constructPath` says which construct of the app refused it, where
 * one class is used more than once (a failed `cdk8s synth` prints it under the message).
 */
export class PropsError extends Error {
  /** The class, as a stack trace names it. */
  public override readonly name = 'PropsError';
  /**
   * The path in the construct tree of the construct or chart that refused the prop
   * (`fib-client/fib-client`); undefined when a function of the app refused it.
   */
  public readonly constructPath?: string;

  /**
   * @param message what was refused: `<Construct>: <prop> must be <allowed> (got <value>); <how to fix>`
   * @param constructPath the path of the construct that refused it, if a construct did
   */
  constructor(message: string, constructPath?: string) {
    super(message);
    this.constructPath = constructPath;
  }
}

/** How one prop is checked. A rule that refuses a value explains itself in `allowed`. */
export interface PropRule {
  /** The JavaScript type the value must have (`typeof`). */
  readonly type: 'string' | 'number' | 'boolean' | 'object';
  /** What is allowed, completing "<prop> must be ...". */
  readonly allowed: string;
  /** Whether a value of the right type is allowed; every value of the type when absent. */
  readonly test?: (value: never) => boolean;
  /**
   * How to fix a value of the right type that `test` refuses, or why it is refused; given the
   * value when it depends on it.
   */
  readonly hint?: string | ((value: never) => string);
}

/** One rule per prop: a prop added to the interface without a rule is a type error. */
export type PropRules<P> = { readonly [K in keyof Required<P>]: PropRule };

/** An on/off prop: only a boolean, so that the string 'false' does not turn it on. */
export const BOOLEAN_RULE: PropRule = { type: 'boolean', allowed: 'true or false' };

/**
 * Reads the props a construct was given, once, and checks them: returns a plain object that
 * holds exactly the props of `rules` that are set, each checked against its rule. (A chart,
 * which takes its construct's props beside its own, uses the two halves: snapshotProps and
 * validateProps.) `construct` is the class that the messages name, `constructPath` the path of
 * the construct reading them, which a refusal carries (PropsError).
 * @throws PropsError when a prop is refused.
 */
export function readProps<P extends object>(
  construct: string,
  props: unknown,
  rules: PropRules<P>,
  constructPath?: string,
): Partial<P> {
  const snapshot = snapshotProps(construct, props, Object.keys(rules), constructPath);
  validateProps(construct, snapshot, rules, constructPath);
  return snapshot as Partial<P>;
}

/**
 * Reads each of the props `names` from `props` once, as TypeScript code reads it
 * (`props.nodePort`: a getter or a value on the prototype like any other), into a plain object
 * of those that are set, so that what is checked and used is what the code reads. A name that
 * `props` enumerates, own or inherited, and that is not in `names` (a typo such as `nodeport`) is
 * refused rather than ignored for the default. Unset means undefined. JavaScript's `-0` is read
 * as 0, which YAML would show as `-0`.
 * @throws PropsError when `props` is not an object of props or has a name that is not in `names`.
 */
export function snapshotProps(
  construct: string,
  props: unknown,
  names: readonly string[],
  constructPath?: string,
): Record<string, unknown> {
  validatePropsObject(construct, props, constructPath);
  const given = props as Record<string, unknown>;
  for (const name in given) {
    if (!names.includes(name)) {
      throw new PropsError(
        `${construct}: ${inspect(name)} is not a prop (got ${received(given[name])}); the props are ${names.join(', ')}`,
        constructPath,
      );
    }
  }
  const snapshot: Record<string, unknown> = {};
  for (const name of names) {
    const value = given[name];
    if (value !== undefined) {
      snapshot[name] = Object.is(value, -0) ? 0 : value;
    }
  }
  return snapshot;
}

/**
 * Checks each prop of `snapshot` (from snapshotProps) that has a rule in `rules`; null is refused
 * like any other value of the wrong type.
 * @throws PropsError when a prop does not follow its rule.
 */
export function validateProps<P extends object>(
  construct: string,
  snapshot: Readonly<Record<string, unknown>>,
  rules: PropRules<P>,
  constructPath?: string,
): void {
  const ruleOf: Readonly<Record<string, PropRule>> = rules;
  for (const [prop, rule] of Object.entries(ruleOf)) {
    if (Object.hasOwn(snapshot, prop)) {
      checkProp(construct, prop, snapshot[prop], rule, constructPath);
    }
  }
}

/** Throws unless `value`, the value of `prop`, follows `rule`. */
function checkProp(construct: string, prop: string, value: unknown, rule: PropRule, constructPath?: string): void {
  const rightType = typeof value === rule.type && value !== null && !Array.isArray(value);
  if (!rightType || (rule.test !== undefined && !rule.test(value as never))) {
    const hint = !rightType || rule.hint === undefined ? undefined : rule.hint;
    const shownHint = typeof hint === 'function' ? hint(value as never) : hint;
    throw new PropsError(
      `${construct}: ${prop} must be ${rule.allowed} (got ${received(value, rule.type)})` +
        (shownHint === undefined ? '' : `; ${shownHint}`),
      constructPath,
    );
  }
}

/**
 * Checks that `props` is an object of props at all, before any of its props is read: not a
 * primitive, an array, a Map or another built-in collection, whose entries are not props.
 * @throws PropsError when it is not.
 */
export function validatePropsObject(
  construct: string,
  props: unknown,
  constructPath?: string,
): asserts props is object {
  if (typeof props !== 'object' || props === null || builtinKind(props) !== undefined) {
    throw new PropsError(`${construct}: props must be an object (got ${received(props, 'object')})`, constructPath);
  }
}

/** Whether `value` is an object written as `{ ... }`: no class, no built-in such as a Map. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * The kind of a built-in object that is not a plain object ('array', 'Map', 'Set', 'Date'...),
 * as its toString tag names it; undefined for a plain object or a class instance.
 */
function builtinKind(value: object): string | undefined {
  if (Array.isArray(value)) {
    return 'array';
  }
  const tag = Object.prototype.toString.call(value).slice('[object '.length, -1);
  return tag === 'Object' ? undefined : tag;
}

/**
 * A received value as a message shows it, unambiguously: strings quoted (`'3000'` is not
 * `3000`), and the value's type named when an `expected` type is given and it is another; an
 * array, a Map or another built-in object is named where an object is expected.
 */
export function received(value: unknown, expected?: string): string {
  const shown = inspect(value, { breakLength: Infinity, depth: 2 });
  if (expected === undefined || value === null || value === undefined) {
    return shown;
  }
  const type = typeof value === 'object' ? (builtinKind(value) ?? 'object') : typeof value;
  if (type === expected) {
    return shown;
  }
  return `${shown}, ${/^[aeiou]/i.test(type) ? 'an' : 'a'} ${type}`;
}
