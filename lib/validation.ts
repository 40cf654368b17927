// Prop checks shared by the constructs and charts. Each throws at construction time, before
// anything is synthesized, with a message naming the prop, the value received and what is
// allowed, checked as the API server would check the field the prop ends up in.
import { inspect } from 'node:util';

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

/**
 * Reads the props a construct was given, once, and checks them: returns a plain object that
 * holds exactly the props of `rules` that are set, each checked against its rule. (A chart,
 * which takes its construct's props beside its own, uses the two halves: snapshotProps and
 * validateProps.)
 */
export function readProps<P extends object>(construct: string, props: unknown, rules: PropRules<P>): Partial<P> {
  const snapshot = snapshotProps(construct, props, Object.keys(rules));
  validateProps(construct, snapshot, rules);
  return snapshot as Partial<P>;
}

/**
 * Reads each of the props `names` from `props` once, as TypeScript code reads it
 * (`props.nodePort`), into a plain object of those that are set: a getter, a value on the
 * prototype and a non-enumerable property are read like any other, so that what is checked and
 * used is what the code reads. A name the object has that is not in `names` (a typo such as
 * `nodeport`, own or inherited, enumerable or not) is refused rather than ignored for the default.
 * Unset means undefined. JavaScript's `-0` is read as 0, which YAML would show as `-0`.
 */
export function snapshotProps(construct: string, props: unknown, names: readonly string[]): Record<string, unknown> {
  validatePropsObject(construct, props);
  const known = new Set(names);
  const given = props as Record<string, unknown>;
  for (const name of propertyNames(props)) {
    if (!known.has(name)) {
      throw new Error(
        `${construct}: ${inspect(name)} is not a prop (got ${received(given[name])}); the props are ${names.join(', ')}`,
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
 */
export function validateProps<P extends object>(
  construct: string,
  snapshot: Readonly<Record<string, unknown>>,
  rules: PropRules<P>,
): void {
  const ruleOf: Readonly<Record<string, PropRule>> = rules;
  for (const [prop, rule] of Object.entries(ruleOf)) {
    if (Object.hasOwn(snapshot, prop)) {
      checkProp(construct, prop, snapshot[prop], rule);
    }
  }
}

/** Throws unless `value`, the value of `prop`, follows `rule`. */
function checkProp(construct: string, prop: string, value: unknown, rule: PropRule): void {
  const rightType = typeof value === rule.type && value !== null && !Array.isArray(value);
  if (!rightType || (rule.test !== undefined && !rule.test(value as never))) {
    const hint = !rightType || rule.hint === undefined ? undefined : rule.hint;
    const shownHint = typeof hint === 'function' ? hint(value as never) : hint;
    throw new Error(
      `${construct}: ${prop} must be ${rule.allowed} (got ${received(value, rule.type)})` +
        (shownHint === undefined ? '' : `; ${shownHint}`),
    );
  }
}

/**
 * The names a props object has, as a typo could hide among them: its own string-keyed
 * properties, enumerable or not, and those of the prototypes it inherits from below
 * Object.prototype, but for a class's `constructor` and methods (behaviour, not props).
 */
function propertyNames(props: object): string[] {
  const names = new Set(Object.getOwnPropertyNames(props));
  for (
    let prototype: object | null = Object.getPrototypeOf(props);
    prototype !== null && prototype !== Object.prototype;
    prototype = Object.getPrototypeOf(prototype)
  ) {
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(prototype))) {
      if (name !== 'constructor' && typeof descriptor.value !== 'function') {
        names.add(name);
      }
    }
  }
  return [...names];
}

/**
 * Checks that `props` is an object of props at all, before any of its props is read: not a
 * primitive, an array, a Map or another built-in collection, whose entries are not props.
 */
export function validatePropsObject(construct: string, props: unknown): asserts props is object {
  if (typeof props !== 'object' || props === null || builtinKind(props) !== undefined) {
    throw new Error(`${construct}: props must be an object (got ${received(props, 'object')})`);
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

/** An integer in `min`-`max`, as the API server checks an int32 field with a range. */
export function integerRule(min: number, max: number, hint?: string): PropRule {
  return {
    type: 'number',
    allowed: `an integer in ${min}-${max}`,
    test: (value: number) => Number.isInteger(value) && value >= min && value <= max,
    hint,
  };
}

/** A TCP port: containerPort, servicePort. */
export const PORT_RULE = integerRule(1, 65535);

/** A Service nodePort, in the API server's default --service-node-port-range. */
export const NODE_PORT_RULE = integerRule(
  30000,
  32767,
  "pick a port in the API server's default --service-node-port-range",
);

/** A replica count: an int32 that may not be negative. */
export const REPLICAS_RULE = integerRule(0, 2 ** 31 - 1);

/** An on/off prop: only a boolean, so that the string 'false' does not turn it on. */
export const BOOLEAN_RULE: PropRule = { type: 'boolean', allowed: 'true or false' };

// How the kubelet parses a container image before it pulls one: ParseNormalizedNamed of
// github.com/distribution/reference v0.6.0 (the version Kubernetes 1.34 builds with, called by
// its pkg/util/parsers.ParseImageName), which checks a digest with
// github.com/opencontainers/go-digest v1.0.0. The API server only asks for a non-empty image
// without outer whitespace; an image the kubelet cannot parse passes it and leaves the pod
// waiting in InvalidImageName. This is a copy, in the packages' own order and words:
// test/kubelet/image-reference.test.ts compares its every verdict with the Go packages'.
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`;
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|\\[(?:[a-fA-F0-9:]+)\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const REFERENCE = new RegExp(`^((?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_NAME = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const ANCHORED_IDENTIFIER = /^[a-f0-9]{64}$/;
const REPOSITORY_NAME_TOTAL_LENGTH_MAX = 255;
const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
// go-digest: the algorithms it knows, each with the length of its lowercase hex encoding.
const DIGEST_HEX_LENGTHS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };
const ANCHORED_DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** An image reference as the kubelet reads it: the repository, and the tag and digest if given. */
export interface ImageReference {
  /** The repository, with its registry host: `docker.io/library/nginx` for `nginx`. */
  readonly name: string;
  /** The tag, if the reference has one. */
  readonly tag?: string;
  /** The digest (`sha256:...`), if the reference has one. */
  readonly digest?: string;
}

/**
 * Parses `image` as the kubelet does; a reference it refuses gives the error it reports.
 * (distribution/reference's ParseNormalizedNamed.)
 */
export function parseImageReference(image: string): ImageReference | { readonly error: string } {
  if (ANCHORED_IDENTIFIER.test(image)) {
    return { error: `invalid repository name (${image}), cannot specify 64-byte hexadecimal strings` };
  }
  const [domain, remainder] = splitDockerDomain(image);
  const tagSeparator = remainder.indexOf(':');
  const remote = tagSeparator > -1 ? remainder.slice(0, tagSeparator) : remainder;
  if (remote.toLowerCase() !== remote) {
    return { error: `invalid reference format: repository name (${remote}) must be lowercase` };
  }
  return parseReference(`${domain}/${remainder}`);
}

/** The registry host of a reference and the rest, Docker Hub's being implied (splitDockerDomain). */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash === -1) {
    return [DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name];
  }
  const maybeDomain = name.slice(0, slash);
  const maybeRemoteName = name.slice(slash + 1);
  let [domain, remoteName] = [DEFAULT_DOMAIN, name];
  if (maybeDomain === LEGACY_DEFAULT_DOMAIN) {
    remoteName = maybeRemoteName;
  } else if (maybeDomain === 'localhost' || /[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) {
    [domain, remoteName] = [maybeDomain, maybeRemoteName];
  }
  if (domain === DEFAULT_DOMAIN && !remoteName.includes('/')) {
    remoteName = OFFICIAL_REPO_PREFIX + remoteName;
  }
  return [domain, remoteName];
}

/** A full reference, `host/path[:tag][@digest]` (distribution/reference's Parse). */
function parseReference(reference: string): ImageReference | { readonly error: string } {
  const matches = REFERENCE.exec(reference);
  if (matches === null) {
    if (reference === '') {
      return { error: 'repository name must have at least one component' };
    }
    if (REFERENCE.test(reference.toLowerCase())) {
      return { error: 'repository name must be lowercase' };
    }
    return { error: 'invalid reference format' };
  }
  const [, name = '', tag, digest] = matches;
  const [, , path = name] = ANCHORED_NAME.exec(name) ?? [];
  if (path.length > REPOSITORY_NAME_TOTAL_LENGTH_MAX) {
    return { error: `repository name must not be more than ${REPOSITORY_NAME_TOTAL_LENGTH_MAX} characters` };
  }
  const digestError = digest === undefined ? undefined : validateDigest(digest);
  if (digestError !== undefined) {
    return { error: digestError };
  }
  return { name, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** Why go-digest refuses `digest` (`algorithm:hex`), or undefined if it accepts it (Digest.Validate). */
function validateDigest(digest: string): string | undefined {
  const separator = digest.indexOf(':');
  if (separator <= 0 || separator + 1 === digest.length) {
    return 'invalid checksum digest format';
  }
  const algorithm = digest.slice(0, separator);
  const encoded = digest.slice(separator + 1);
  if (!Object.hasOwn(DIGEST_HEX_LENGTHS, algorithm)) {
    return ANCHORED_DIGEST.test(digest) ? 'unsupported digest algorithm' : 'invalid checksum digest format';
  }
  if (encoded.length !== DIGEST_HEX_LENGTHS[algorithm]) {
    return 'invalid checksum digest length';
  }
  return /^[a-f0-9]+$/.test(encoded) ? undefined : 'invalid checksum digest format';
}

/** A container image reference, as the kubelet parses it before pulling. */
export const IMAGE_RULE: PropRule = {
  type: 'string',
  allowed:
    "an image reference such as 'nginx:1.14.2' or 'registry.example.com:5000/team/app:1.0': an optional " +
    "registry host and '/', a repository path of lowercase letters, digits and '.', '_', '-' or '/' " +
    "separators, then an optional ':tag' and an optional '@sha256:' digest of 64 lowercase hex digits " +
    '(sha384: 96, sha512: 128), without whitespace',
  test: (value: string) => !('error' in parseImageReference(value)),
  hint: (value: string) => {
    const parsed = parseImageReference(value);
    return `the kubelet would refuse it: ${'error' in parsed ? parsed.error : ''}`;
  },
};

/** The longest label value, DNS label and label name Kubernetes accepts. */
const MAX_LABEL_LENGTH = 63;

// Kubernetes' label value syntax (IsValidLabelValue); the empty string is a valid value.
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A label value, as the API server checks one in `metadata.labels` and in a selector. */
export const LABEL_VALUE_RULE: PropRule = {
  type: 'string',
  allowed:
    `a label value: at most ${MAX_LABEL_LENGTH} characters, letters, digits, '-', '_' and '.', ` +
    'starting and ending with a letter or digit, or empty',
  test: isLabelValue,
};

/** Kubernetes' label value syntax (IsValidLabelValue). */
function isLabelValue(value: unknown): boolean {
  return typeof value === 'string' && value.length <= MAX_LABEL_LENGTH && LABEL_VALUE.test(value);
}

// DNS-1035 label: Service names must also start with a letter, so every name here does.
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The `name` prop, from which object names are derived by appending `suffixes`: the longest
 * suffix decides how long `name` may be.
 */
export function nameRule(suffixes: readonly string[]): PropRule {
  const longest = suffixes.reduce((a, b) => (b.length > a.length ? b : a), '');
  const maxLength = MAX_LABEL_LENGTH - longest.length;
  return {
    type: 'string',
    allowed:
      `a DNS-1035 label of 1-${maxLength} characters (lowercase letters, digits and '-', ` +
      `starting with a letter, ending with a letter or digit) so that "<name>${longest}" is a valid object name`,
    test: (value: string) => value.length <= maxLength && DNS_1035_LABEL.test(value),
  };
}

// DNS-1123 label: what the API server accepts as a namespace or container name.
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Whether the API server takes `value` as a DNS-1123 label (IsDNS1123Label of
 * k8s.io/apimachinery/pkg/util/validation; test/api-server/names.test.ts compares the two).
 */
export function isDNS1123Label(value: string): boolean {
  return value.length <= MAX_LABEL_LENGTH && DNS_1123_LABEL.test(value);
}

/** A DNS-1123 label: a namespace name, a container name. */
export const DNS_1123_LABEL_RULE: PropRule = {
  type: 'string',
  allowed:
    `a DNS-1123 label of 1-${MAX_LABEL_LENGTH} characters (lowercase letters, digits and '-', ` +
    'starting and ending with a letter or digit)',
  test: isDNS1123Label,
};

/** A namespace name. */
export const NAMESPACE_RULE = DNS_1123_LABEL_RULE;

// How the API server reads a resource quantity such as '500m', '1.5' or '2Gi' (ParseQuantity of
// k8s.io/apimachinery/pkg/api/resource), so that the constructs can compare a container's
// requests with its limits at synth. A copy, in the package's order: the parity test
// test/api-server/quantity.test.ts compares its every verdict with the Go package's.
const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
// A sign, the digits (leading zeros apart) with an optional fraction, then the suffix: letters of
// the suffixes, then an optional sign and digits (an exponent such as 'e3' or 'E-2').
const QUANTITY = /^[+-]?0*([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[+-]?[0-9]*)$/;
const MAX_INT64 = 2n ** 63n - 1n;
const NANOS_PER_UNIT = 10n ** 9n;
// An exponent far beyond any quantity a program writes (Go would build a number of that many
// digits): refused here rather than computed.
const MAX_EXPONENT = 100_000;

/**
 * The value of a resource quantity in nano-units, rounded away from zero to a whole nano-unit as
 * the API server rounds it, or undefined where ParseQuantity refuses it.
 */
export function parseQuantity(quantity: string): bigint | undefined {
  if (quantity === '') {
    return undefined;
  }
  // A sign and zeros alone are zero before any suffix is read.
  if (/^[+-]?0*$/.test(quantity)) {
    return 0n;
  }
  const match = QUANTITY.exec(quantity);
  if (match === null) {
    return undefined;
  }
  const [, whole = '', fraction = '', suffix = ''] = match;
  let base: bigint;
  let exponent: number;
  if (Object.hasOwn(DECIMAL_SUFFIXES, suffix)) {
    [base, exponent] = [10n, DECIMAL_SUFFIXES[suffix] ?? 0];
  } else if (Object.hasOwn(BINARY_SUFFIXES, suffix)) {
    [base, exponent] = [2n, BINARY_SUFFIXES[suffix] ?? 0];
  } else if (/^[eE][+-]?[0-9]+$/.test(suffix)) {
    // strconv.ParseInt of an int64, then converted to an int32.
    const parsed = BigInt(suffix.slice(1));
    if (parsed > MAX_INT64 || parsed < -MAX_INT64 - 1n) {
      return undefined;
    }
    [base, exponent] = [10n, Number(BigInt.asIntN(32, parsed))];
  } else {
    return undefined;
  }
  if (Math.abs(exponent) > MAX_EXPONENT) {
    return undefined;
  }
  if (!/[0-9]/.test(quantity.slice(0, quantity.length - suffix.length))) {
    // No digit at all ('.', '-.'): zero where the package's int64 fast path reads it, refused where
    // its decimal parser needs a digit.
    const fastPath = base === 10n ? exponent >= -9 : 13 - Math.trunc((exponent * 3) / 10) >= 0;
    return fastPath ? 0n : undefined;
  }
  let numerator = BigInt(`${whole}${fraction}` || '0') * (base === 2n ? 2n ** BigInt(exponent) : 1n);
  let denominator = 10n ** BigInt(fraction.length);
  const decimalShift = 9 + (base === 10n ? exponent : 0);
  if (decimalShift >= 0) {
    numerator *= 10n ** BigInt(decimalShift);
  } else {
    denominator *= 10n ** BigInt(-decimalShift);
  }
  let nanos = (numerator + denominator - 1n) / denominator;
  // A binary quantity is capped at the largest int64.
  if (base === 2n && nanos > MAX_INT64 * NANOS_PER_UNIT) {
    nanos = MAX_INT64 * NANOS_PER_UNIT;
  }
  return quantity.startsWith('-') ? -nanos : nanos;
}

/**
 * How quantity `a` compares with `b` (-1, 0 or 1, as Quantity.Cmp), or undefined if the API server
 * would refuse either.
 */
export function compareQuantities(a: string, b: string): -1 | 0 | 1 | undefined {
  const [x, y] = [parseQuantity(a), parseQuantity(b)];
  if (x === undefined || y === undefined) {
    return undefined;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

// A DNS-1123 subdomain: the optional prefix of a label key.
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kubernetes' label key syntax: `[prefix/]name`, a prefix of at most 253 characters. */
function isLabelKey(key: string): boolean {
  const parts = key.split('/');
  const name = parts.pop() ?? '';
  const prefix = parts.length === 1 ? parts[0] : undefined;
  const prefixValid =
    parts.length === 0 || (prefix !== undefined && prefix.length <= 253 && DNS_1123_SUBDOMAIN.test(prefix));
  // The name part (IsQualifiedName) has the syntax of a label value, but may not be empty.
  return prefixValid && name !== '' && isLabelValue(name);
}

/**
 * A map of labels, such as a chart's `labels`: every key and value as the API server checks them.
 * Only a plain object: cdk8s copies a labels object's own enumerable properties, so a Map's
 * entries, a class's getters or a prototype's values would be dropped unchecked.
 */
export const LABELS_RULE: PropRule = {
  type: 'object',
  allowed:
    "a plain object of labels ({ key: 'value' }), each key a label name such as 'app' or 'example.com/app' " +
    `and each value ${LABEL_VALUE_RULE.allowed}`,
  test: (value: object) =>
    isPlainObject(value) &&
    Object.entries(value).every(([key, labelValue]) => isLabelKey(key) && isLabelValue(labelValue)),
};
