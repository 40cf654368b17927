// Bench-only cdk8s app, which `npm run bench` runs (kit/lab/bench/bench.js --scale-app): PAIRS
// FibClient + NginxDeployment pairs in the SHAPE kit/lab/bench/scale-pairs.ts reads.
import { FibClient, NginxDeployment, SandboxApp } from '../lib';
import { synthesizePairs } from 'k8s-sandbox-kit/testing';

synthesizePairs(new SandboxApp(), (chart, i, nodePort) => {
  new FibClient(chart, `fib-client-${i}`, { name: `fib-client-${i}`, nodePort });
  new NginxDeployment(chart, `nginx-${i}`, { name: `nginx-${i}` });
});
