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
  /** How to fix a value of the right type that `test` refuses; true of every such value. */
  readonly hint?: string;
}

/** One rule per prop: a prop added to the interface without a rule is a type error. */
export type PropRules<P> = { readonly [K in keyof Required<P>]: PropRule };

/**
 * Checks every prop that is set against its rule, and refuses a prop that has no rule (a typo
 * such as `nodeport` would otherwise be ignored, and the default used). Unset means undefined;
 * null is refused like any other value of the wrong type.
 */
export function validateProps<P extends object>(construct: string, props: P, rules: PropRules<P>): void {
  validatePropsObject(construct, props);
  const known: Record<string, PropRule> = rules;
  for (const [prop, value] of Object.entries(props)) {
    const rule = Object.hasOwn(known, prop) ? known[prop] : undefined;
    if (rule === undefined) {
      throw new Error(
        `${construct}: ${inspect(prop)} is not a prop (got ${received(value)}); ` +
          `the props are ${Object.keys(known).join(', ')}`,
      );
    }
    if (value === undefined) {
      continue;
    }
    const rightType = typeof value === rule.type && value !== null && !Array.isArray(value);
    if (!rightType || (rule.test !== undefined && !rule.test(value as never))) {
      const hint = rightType && rule.hint !== undefined ? `; ${rule.hint}` : '';
      throw new Error(`${construct}: ${prop} must be ${rule.allowed} (got ${received(value, rule.type)})${hint}`);
    }
  }
}

/** Checks that `props` is an object at all, before any of its props is read. */
export function validatePropsObject(construct: string, props: unknown): void {
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    throw new Error(`${construct}: props must be an object (got ${received(props, 'object')})`);
  }
}

/**
 * A received value as a message shows it, unambiguously: strings quoted (`'3000'` is not
 * `3000`), and the value's type named when an `expected` type is given and it is another.
 */
export function received(value: unknown, expected?: string): string {
  const shown = inspect(value, { breakLength: Infinity, depth: 2 });
  if (expected === undefined || value === null || value === undefined || typeof value === expected) {
    return shown;
  }
  const type = Array.isArray(value) ? 'array' : typeof value;
  return `${shown}, ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
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

// The image reference grammar of the kubelet (github.com/distribution/reference): an optional
// registry host and '/', a repository path of lowercase components, then an optional tag and an
// optional digest. The API server only asks for a non-empty image without outer whitespace; an
// image the kubelet cannot parse passes it and leaves the pod waiting in InvalidImageName.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const IMAGE_REFERENCE = new RegExp(
  `^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::${TAG})?(?:@${DIGEST})?$`,
);
// The longest repository name (registry host and path) the grammar allows.
const MAX_IMAGE_NAME_LENGTH = 255;

/** A container image reference, as the kubelet parses it before pulling. */
export const IMAGE_RULE: PropRule = {
  type: 'string',
  allowed:
    "an image reference such as 'nginx:1.14.2' or 'registry.example.com:5000/team/app:1.0': an optional " +
    "registry host and '/', a repository path of lowercase letters, digits and '.', '_', '-' or '/' " +
    "separators, then an optional ':tag' and '@digest', without whitespace",
  test: (value: string) => (IMAGE_REFERENCE.exec(value)?.[1]?.length ?? Infinity) <= MAX_IMAGE_NAME_LENGTH,
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

// DNS-1123 label: what the API server accepts as a namespace name.
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A namespace name. */
export const NAMESPACE_RULE: PropRule = {
  type: 'string',
  allowed:
    `a DNS-1123 label of 1-${MAX_LABEL_LENGTH} characters (lowercase letters, digits and '-', ` +
    'starting and ending with a letter or digit)',
  test: (value: string) => value.length <= MAX_LABEL_LENGTH && DNS_1123_LABEL.test(value),
};

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

/** A map of labels, such as a chart's `labels`: every key and value as the API server checks them. */
export const LABELS_RULE: PropRule = {
  type: 'object',
  allowed:
    "an object of labels, each key a label name such as 'app' or 'example.com/app' and each value " +
    LABEL_VALUE_RULE.allowed,
  test: (value: object) =>
    Object.entries(value).every(([key, labelValue]) => isLabelKey(key) && isLabelValue(labelValue)),
};
