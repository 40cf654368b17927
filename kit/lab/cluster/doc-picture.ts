// The picture in kit/docs/cluster.md of the fib-client stand-in page (kit/docs/fib-client-stand-in.png) must show the
// page the current code serves. The real-node e2e takes the screenshot and stamps into it, as a PNG
// text chunk, the SHA-256 of the page it was taken of (kit/lab/cluster/images/fib-client/index.html);
// a unit test compares the committed picture's stamp with the current page, so a changed page
// fails `npm test` until the picture is taken again.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';

const ROOT = path.resolve(__dirname, '../../..');
export const PAGE = path.join(ROOT, 'kit/lab/cluster/images/fib-client/index.html');
export const PICTURE = path.join(ROOT, 'kit/docs/fib-client-stand-in.png');
const KEY = 'k8s-sandbox-page-sha256';
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The SHA-256 (hex) of the page the stand-in image serves. */
export function pageHash(): string {
  return createHash('sha256').update(readFileSync(PAGE)).digest('hex');
}

/** `png` with a tEXt chunk recording `hash`, right after its IHDR chunk. */
export function stamp(png: Buffer, hash: string): Buffer {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file: no PNG signature');
  const ihdrEnd = 8 + 12 + png.readUInt32BE(8);
  const type = Buffer.from('tEXt');
  const data = Buffer.from(`${KEY}\0${hash}`, 'latin1');
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  type.copy(chunk, 4);
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(Buffer.concat([type, data])), 8 + data.length);
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}

/** The page hash stamped into `png`, or undefined if it has none. */
export function stampOf(png: Buffer): string | undefined {
  for (let offset = 8; offset + 12 <= png.length;) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (type === 'tEXt') {
      const [key, value] = png.toString('latin1', offset + 8, offset + 8 + length).split('\0');
      if (key === KEY) return value;
    }
    if (type === 'IEND') break;
    offset += 12 + length;
  }
  return undefined;
}
