// The docs that e2e runs write: kit/docs/reliability.md, what the fault suites measured, and
// kit/docs/network-policy.md, the NetworkPolicy truth table of the real node. Each suite rewrites its
// own block between markers, through kit/pkg/common/doc-block.ts.
import * as path from 'node:path';
import { writeDocBlock } from '../../pkg/common/doc-block';

export const RELIABILITY_DOC = path.resolve(__dirname, '../../docs/reliability.md');
export const NETWORK_POLICY_DOC = path.resolve(__dirname, '../../docs/network-policy.md');

/** Replaces the block `name` of kit/docs/reliability.md with `markdown`. */
export function writeReliabilityBlock(name: string, markdown: string): Promise<void> {
  return writeDocBlock(RELIABILITY_DOC, name, markdown);
}

/** Seconds with one decimal, e.g. `20.4 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
