// received(): how every validation message shows the value it refused.
import { received } from '../lib/props';

test.each<[unknown, string | undefined, string]>([
  ['3000', 'number', "'3000', a string"],
  ['3000', 'string', "'3000'"],
  ["it's", 'string', `"it's"`],
  ['a\nb', 'string', "'a\\nb'"],
  [3000, 'number', '3000'],
  [3000, 'string', '3000, a number'],
  [Number.NaN, 'number', 'NaN'],
  [31516n, 'number', '31516n, a bigint'],
  [true, 'number', 'true, a boolean'],
  [null, 'number', 'null'],
  [[80], 'number', '[ 80 ], an array'],
  [{ port: 80 }, 'number', '{ port: 80 }, an object'],
  [{ port: 80 }, 'object', '{ port: 80 }'],
  [new Map([['app', 'web']]), 'object', "Map(1) { 'app' => 'web' }, a Map"],
  [new Set([80]), 'object', 'Set(1) { 80 }, a Set'],
  [() => 80, 'object', '[Function (anonymous)], a function'],
  [Symbol('x'), 'string', 'Symbol(x), a symbol'],
  [3000, undefined, '3000'],
])('%p expected as %s is shown as %s', (value, expected, shown) => {
  expect(received(value, expected)).toBe(shown);
});
