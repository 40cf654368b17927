// An app like main.ts with one bad prop, for synth.test.ts: `cdk8s synth` must refuse it.
import { App } from 'cdk8s';
import { FibClientChart, NginxChart } from '../../lib';

const app = new App();
new NginxChart(app, 'nginx');
new FibClientChart(app, 'fib-client', { fibClient: { nodePort: 80 } });
app.synth();
