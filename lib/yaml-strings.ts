// Strings that kubectl would not read back as the strings they are. cdk8s writes manifests with the
// `yaml` package, which quotes a string it would itself read as a number, a bool or null; kubectl
// reads them with sigs.k8s.io/yaml, that is go-yaml v2, which reads more plain scalars as numbers:
// every one that Go's strconv.ParseInt or ParseUint takes in base 0 once each `_` is removed
// (go-yaml v2's resolve()). cdk8s leaves some of those unquoted, e.g. 0X1F, 0o17 and 0B101: a
// label value would reach the cluster as 31, 15 or 5 (kubectl refuses the file), a label key would
// be renamed "31" silently. test/kubectl/yaml-strings.test.ts compares this copy of go-yaml's rule
// with kubectl's own reader, on the same strings as cdk8s writes them.
import { Yaml } from 'cdk8s';

// Go's integer literals in base 0 (strconv.ParseInt), as go-yaml v2 tries them: a sign, then
// hexadecimal, octal (0o, or a leading 0) or binary with its prefix in either case, or decimal.
const GO_INTEGER = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;

// What strconv.ParseInt and ParseUint take: int64, or uint64 without a minus sign.
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** The number kubectl's YAML reader reads `text` as, written plain, or undefined for a string. */
export function goYamlNumber(text: string): bigint | undefined {
  const plain = text.replace(/_/g, '');
  if (!GO_INTEGER.test(plain)) {
    return undefined;
  }
  const negative = plain.startsWith('-');
  const digits = plain.replace(/^[-+]/, '');
  // BigInt reads 0x, 0o and 0b in lower case only; Go's leading-0 octal is 0o.
  const literal = /^0[0-7]+$/.test(digits)
    ? `0o${digits.slice(1)}`
    : digits.replace(/^0([XOB])/, (_, p: string) => `0${p.toLowerCase()}`);
  const value = negative ? -BigInt(literal) : BigInt(literal);
  return value >= INT64_MIN && value <= UINT64_MAX ? value : undefined;
}

/** Whether cdk8s writes `text` as a plain scalar, without quotes. */
function writtenPlain(text: string): boolean {
  return !/^["']/.test(Yaml.stringify(text));
}

/**
 * One message per string of `manifest` (a key or a value) that cdk8s writes unquoted and kubectl
 * reads as a number, naming its field path and `where` (the construct that made the object).
 */
export function numberLikeStrings(manifest: unknown, where: string): string[] {
  const errors: string[] = [];
  const check = (text: string, field: string, what: string) => {
    const number = goYamlNumber(text);
    if (number !== undefined && writtenPlain(text)) {
      errors.push(
        `${where}: ${field} must be ${what} that kubectl reads as written (got '${text}', which cdk8s writes ` +
          `unquoted and kubectl's YAML reader reads as the number ${number}); cdk8s cannot write it quoted: ` +
          'use a value that does not read as a number',
      );
    }
  };
  const visit = (value: unknown, path: string) => {
    if (typeof value === 'string') {
      check(value, path, 'a string');
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${path}[${index}]`));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const field = path === '' ? key : `${path}.${key}`;
        check(key, field, 'a key');
        visit(item, field);
      }
    }
  };
  visit(manifest, '');
  return errors;
}
