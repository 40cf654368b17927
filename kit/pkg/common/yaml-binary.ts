// YAML's `!!binary` tag read as kubectl reads it, for kit/pkg/common/manifests.ts. kubectl's
// sigs.k8s.io/yaml decodes with go-yaml v2, which turns `!!binary` into a Go string of the decoded
// bytes (strict standard base64, line breaks ignored; anything else is "!!binary value contains
// invalid base64 data"), and then encodes it as JSON, where encoding/json writes each byte that
// is not valid UTF-8 as U+FFFD. The yaml library would give a Buffer instead. Hand-written because
// no library decodes bytes Go's way: TextDecoder replaces a cut-off sequence (e2 82) with one
// U+FFFD where Go writes one per byte; the test compares both with kubectl itself.
import type { ScalarTag } from 'yaml';

export const BINARY_TAG = 'tag:yaml.org,2002:binary';

// Go's base64.StdEncoding: the standard alphabet, padded to whole quads.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const binaryAsKubectl: ScalarTag = {
  tag: BINARY_TAG,
  default: false,
  identify: () => false,
  resolve(source: string, onError: (message: string) => void): string {
    const base64 = source.replace(/[\r\n]/g, '');
    if (!BASE64.test(base64)) {
      onError('!!binary value contains invalid base64 data (kubectl refuses it too)');
      return source;
    }
    return goString(Buffer.from(base64, 'base64'));
  },
};

/** `bytes` as Go's encoding/json writes a string: valid UTF-8 as it is, each other byte as U+FFFD. */
function goString(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length;) {
    const length = sequenceLength(bytes, i);
    if (length === 0) {
      text += '\uFFFD';
      i += 1;
    } else {
      text += Buffer.from(bytes.subarray(i, i + length)).toString('utf8');
      i += length;
    }
  }
  return text;
}

// The length of the valid UTF-8 sequence at `i`, or 0: Go's unicode/utf8 rules (no overlong
// forms, no surrogates, nothing above U+10FFFF), as its acceptRanges table states them.
function sequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  const [length, low, high] =
    lead >= 0xc2 && lead <= 0xdf
      ? [2, 0x80, 0xbf]
      : lead === 0xe0
        ? [3, 0xa0, 0xbf]
        : lead === 0xed
          ? [3, 0x80, 0x9f]
          : lead >= 0xe1 && lead <= 0xef
            ? [3, 0x80, 0xbf]
            : lead === 0xf0
              ? [4, 0x90, 0xbf]
              : lead >= 0xf1 && lead <= 0xf3
                ? [4, 0x80, 0xbf]
                : lead === 0xf4
                  ? [4, 0x80, 0x8f]
                  : [0, 0, 0];
  if (length === 0 || i + length > bytes.length) return 0;
  const second = bytes[i + 1]!;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) {
    const next = bytes[i + k]!;
    if (next < 0x80 || next > 0xbf) return 0;
  }
  return length;
}
