// Snapshot of every chart that main.ts synthesizes, as the YAML text that lands in dist/.
// A changed default (a port, the replica count, an image) fails here until the snapshot is
// updated on purpose with `npm test -- -u` and the .snap diff is reviewed.
import { Testing } from 'cdk8s';
import { addSandboxCharts } from './lib';
import { manifestYaml } from './test/manifests';

const charts = addSandboxCharts(Testing.app());

test('dist/fib-client.k8s.yaml', () => {
  expect(manifestYaml(charts.fibClient)).toMatchSnapshot();
});

test('dist/nginx.k8s.yaml', () => {
  expect(manifestYaml(charts.nginx)).toMatchSnapshot();
});
