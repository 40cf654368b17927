// The committed picture of the stand-in page was taken of the page the current code serves.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PAGE, PICTURE, pageHash, stamp, stampOf } from '../doc-picture';

const ROOT = path.resolve(__dirname, '../../../..');

test('kit/docs/fib-client-stand-in.png was taken of the current stand-in page', () => {
  const stamped = stampOf(readFileSync(PICTURE));
  const wanted = pageHash();
  if (stamped !== wanted) {
    throw new Error(
      `${path.relative(ROOT, PICTURE)} was taken of a page with SHA-256 ${stamped ?? '(none recorded)'}, but ` +
        `${path.relative(ROOT, PAGE)} now has ${wanted}; the picture must show the current page: run ` +
        '`npm run test:e2e:node` and copy test-results/fib-client.png to kit/docs/',
    );
  }
});

test('a stamp is read back, and a picture without one has none', () => {
  const png = readFileSync(PICTURE);
  expect(stampOf(stamp(png, 'abc123'))).toBe('abc123');
  expect(() => stamp(Buffer.from('GIF89a'), 'x')).toThrow('not a PNG file: no PNG signature');
});
