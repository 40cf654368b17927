// What the scale apps of `npm run bench` share (apps/scale-app.ts, the sandbox's constructs, and
// kit/lab/bench/cdk8s-scale-app.ts, cdk8s-plus-27 alone): PAIRS pairs, each with its own names and
// nodePort, SHAPE=chart-per-pair putting each pair in its own chart (one manifest file per pair)
// and SHAPE=one-chart all pairs in one chart (one file), then the peak memory as one JSON line,
// which bench.js reads.
import { type App, Chart } from 'cdk8s';

const FIRST_NODE_PORT = 30000;
const NODE_PORT_COUNT = 2768; // 30000-32767

/**
 * Synthesizes `app` with the pairs `addPair` adds, pair `index` into `chart` with its own
 * `nodePort`.
 */
export function synthesizePairs(app: App, addPair: (chart: Chart, index: number, nodePort: number) => void): void {
  const pairs = Number(process.env.PAIRS ?? '10');
  const shape = process.env.SHAPE ?? 'chart-per-pair';
  if (shape !== 'chart-per-pair' && shape !== 'one-chart') {
    throw new Error(`SHAPE must be chart-per-pair or one-chart (got ${JSON.stringify(shape)})`);
  }
  const sharedChart = shape === 'one-chart' ? new Chart(app, 'pairs') : undefined;
  for (let i = 0; i < pairs; i++) {
    addPair(sharedChart ?? new Chart(app, `pair-${i}`), i, FIRST_NODE_PORT + (i % NODE_PORT_COUNT));
  }
  app.synth();
  console.log(JSON.stringify({ pairs, shape, maxRssKiB: process.resourceUsage().maxRSS }));
}
