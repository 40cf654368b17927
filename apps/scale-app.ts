// Bench-only cdk8s app, which `npm run bench` runs (tools/bench/bench.js --scale-app): PAIRS
// FibClient + NginxDeployment pairs in the SHAPE tools/bench/scale-pairs.ts reads.
import { FibClient, NginxDeployment, SandboxApp } from '../lib';
import { synthesizePairs } from '../tools/bench/scale-pairs';

synthesizePairs(new SandboxApp(), (chart, i, nodePort) => {
  new FibClient(chart, `fib-client-${i}`, { name: `fib-client-${i}`, nodePort });
  new NginxDeployment(chart, `nginx-${i}`, { name: `nginx-${i}` });
});
