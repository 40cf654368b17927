// The DNS-1123 label rule of lib/names.ts (container and namespace names) against the API
// server's own, IsDNS1123Label of k8s.io/apimachinery (kube-rules dns1123-label, at the release the
// cluster scripts build): the same verdict on every name below. A release that changes the rule
// fails here.
import { binaryPath, run } from 'k8s-sandbox-kit/testing';
import { isDNS1123Label } from '../../lib/names';

const FIXTURES = ['', 'main', 'nginx', 'fib-client', 'Side_Car', 'side_car', 'a'.repeat(63), 'a'.repeat(64)];
// Every string of up to three of these characters, which covers each position's rule.
const CHARACTERS = ['a', 'z', '0', '9', '-', 'A', '_', '.', ' ', 'é', '\n'];
const combinations = CHARACTERS.flatMap((a) =>
  ['', ...CHARACTERS].flatMap((b) => ['', ...CHARACTERS].map((c) => a + b + c)),
);
const names = [...new Set([...FIXTURES, ...combinations])];

test(`lib/names.ts takes the same ${names.length} names as DNS-1123 labels as the API server`, async () => {
  const { stdout } = await run(binaryPath('kube-rules'), ['dns1123-label'], { input: JSON.stringify(names) });
  const apiServer: string[][] = JSON.parse(stdout);
  const mismatches = names.flatMap((name, i) =>
    isDNS1123Label(name) === (apiServer[i]?.length === 0)
      ? []
      : [{ name, ours: isDNS1123Label(name), apiServer: apiServer[i] }],
  );
  expect(mismatches).toEqual([]);
  // Both verdicts occur: the corpus would catch a rule that accepts or refuses everything.
  const valid = apiServer.filter((errors) => errors.length === 0).length;
  expect(valid).toBeGreaterThan(100);
  expect(names.length - valid).toBeGreaterThan(100);
});
