// The resource quantity reader of lib/numbers.ts, with which the constructs keep a container's
// requests at or below its limits, against the API server's own, ParseQuantity and Quantity.Cmp of
// k8s.io/apimachinery (kube-rules quantity-compare, at the release the cluster scripts build): the
// same verdict on whether each quantity parses and the same order of each pair. A release that
// changes the rule fails here.
import { binaryPath, run } from 'k8s-sandbox-kit/testing';
import { compareQuantities, parseQuantity } from '../../lib/numbers';

const NUMBERS = [
  ...['', '0', '-0.0', '007', '1', '-1', '+1', '1.5', '.5', '5.', '.', '-.', '+', '12.50'],
  ...['0.000000001', '0.0000000001', '-0.0000000001', '1.0000000001', '123456789012345678'],
  ...['1234567890123456789', '99999999999999999999', '1.5.5', '0x1', '1 ', ' 1'],
];
const SUFFIXES = [
  ...['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'],
  ...['e3', 'E-2', 'e+4', 'e-12', 'e99', 'e4294967296', 'e', 'e+', 'K', 'mi', 'MI', 'i', 'x', 'Mi5'],
];
// What cdk8s-plus and the hardening write, and values on either side of them.
const REFERENCES = ['0', '1', '1500m', '1.5', '32Mi', '128Mi', '1Gi', '1073741824', '2Gi', '1e3', '9Ei', '1n'];

const quantities = [...new Set(NUMBERS.flatMap((number) => SUFFIXES.map((suffix) => number + suffix)))];
const pairs = quantities.flatMap((a) => REFERENCES.map((b) => [a, b] as const));

test(`lib/numbers.ts reads and orders ${pairs.length} pairs of quantities as the API server does`, async () => {
  const { stdout } = await run(binaryPath('kube-rules'), ['quantity-compare'], { input: JSON.stringify(pairs) });
  const apiServer: { valid: [boolean, boolean]; cmp?: number }[] = JSON.parse(stdout);
  const mismatches = pairs.flatMap(([a, b], i) => {
    const ours = {
      valid: [parseQuantity(a) !== undefined, parseQuantity(b) !== undefined],
      cmp: compareQuantities(a, b),
    };
    return JSON.stringify(ours) === JSON.stringify(apiServer[i]) ? [] : [{ a, b, ours, apiServer: apiServer[i] }];
  });
  expect(mismatches.slice(0, 20)).toEqual([]);
  // Both verdicts and every order occur: the corpus would catch a reader that gets any of them wrong.
  const valid = quantities.filter((_, i) => apiServer[i * REFERENCES.length]?.valid[0]).length;
  expect(valid).toBeGreaterThan(200);
  expect(quantities.length - valid).toBeGreaterThan(200);
  for (const order of [-1, 0, 1]) {
    expect(apiServer.filter((answer) => answer.cmp === order).length).toBeGreaterThan(100);
  }
});
