// A string that kubectl would read back as a number is refused at synth (lib/yaml-strings.ts),
// naming the construct, the field, the value and kubectl's reading; test/kubectl/ compares the
// rule with kubectl's own reader.
import { Chart, Testing } from 'cdk8s';
import { FibClient } from '../lib';
import { goYamlNumber } from '../lib/yaml-strings';

test.each([
  ['0X1F', 31n],
  ['0o17', 15n],
  ['0B101', 5n],
  ['-0X1F', -31n],
  ['017', 15n],
  ['0X_1F', 31n],
  ['0XFFFFFFFFFFFFFFFF', 18446744073709551615n],
  ['0X1FFFFFFFFFFFFFFFF', undefined],
  ['08', undefined],
  ['0x', undefined],
  ['web', undefined],
])('%s reads as %s', (text, number) => {
  expect(goYamlNumber(text)).toBe(number);
});

test.each([
  [
    'a label value',
    { tier: '0X1F' },
    "metadata.labels.tier must be a string that kubectl reads as written (got '0X1F'",
  ],
  ['a label key', { '0o17': 'web' }, "metadata.labels.0o17 must be a key that kubectl reads as written (got '0o17'"],
])('%s that kubectl reads as a number fails synth, naming the construct and the field', (_, labels, message) => {
  const app = Testing.app();
  new FibClient(new Chart(app, 'web', { labels }), 'fib-client');
  expect(() => app.synth()).toThrow(message);
  expect(() => app.synth()).toThrow(/^[\s\S]*web\/fib-client\/pod: /);
  expect(() => app.synth()).toThrow(
    /kubectl's YAML reader reads as the number (31|15)\); cdk8s cannot write it quoted/,
  );
});

test('a string cdk8s quotes, though it looks like a number, passes', () => {
  const app = Testing.app();
  new FibClient(new Chart(app, 'web', { labels: { tier: '0x1f', build: '0017' } }), 'fib-client');
  expect(() => app.synth()).not.toThrow();
});
