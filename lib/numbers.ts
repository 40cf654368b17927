// Numbers as the API server reads them: an int32 field with a range (a port, a nodePort, a
// replica count), and a resource quantity such as '500m' or '2Gi'.
import type { PropRule } from './props';

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
