// The cdk8s app: `cdk8s synth` runs this file and writes one manifest per chart into dist/.
import { App } from 'cdk8s';
import { FibClientChart, NginxChart } from './lib';

const app = new App();
new FibClientChart(app, 'fib-client');
new NginxChart(app, 'nginx');
app.synth();
