// Kubernetes' syntax of names and labels, as the API server checks them (the IsDNS1123Label,
// IsValidLabelValue and IsQualifiedName of k8s.io/apimachinery/pkg/util/validation): object
// names, namespaces, container names, label keys and values.
import { type PropRule, isPlainObject } from './props';

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
