// Bench-only cdk8s app for `npm run bench` (tools/bench/bench.js): synthesizes PAIRS
// FibClient + NginxDeployment pairs, each pair with its own names and nodePort, then prints its
// peak memory as one JSON line. SHAPE=chart-per-pair puts each pair in its own chart (one
// manifest file per pair); SHAPE=one-chart puts all pairs in one chart (one file).
import { App, Chart } from 'cdk8s';
import { FibClient, NginxDeployment } from '../../lib';

const FIRST_NODE_PORT = 30000;
const NODE_PORT_COUNT = 2768; // 30000-32767

const pairs = Number(process.env.PAIRS ?? '10');
const shape = process.env.SHAPE ?? 'chart-per-pair';
if (shape !== 'chart-per-pair' && shape !== 'one-chart') {
  throw new Error(`SHAPE must be chart-per-pair or one-chart (got ${JSON.stringify(shape)})`);
}

const app = new App();
const sharedChart = shape === 'one-chart' ? new Chart(app, 'pairs') : undefined;
for (let i = 0; i < pairs; i++) {
  const chart = sharedChart ?? new Chart(app, `pair-${i}`);
  new FibClient(chart, `fib-client-${i}`, {
    name: `fib-client-${i}`,
    nodePort: FIRST_NODE_PORT + (i % NODE_PORT_COUNT),
  });
  new NginxDeployment(chart, `nginx-${i}`, { name: `nginx-${i}` });
}
app.synth();

console.log(JSON.stringify({ pairs, shape, maxRssKiB: process.resourceUsage().maxRSS }));
