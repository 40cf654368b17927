// An app like main.ts with a second default FibClientChart, for synth.test.ts: its objects
// collide with the sandbox's, so `cdk8s synth` must refuse it.
import { App } from 'cdk8s';
import { FibClientChart, addSandboxCharts } from '../../lib';

const app = new App();
addSandboxCharts(app);
new FibClientChart(app, 'fib-client-2');
app.synth();
