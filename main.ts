// The cdk8s app: `cdk8s synth` runs this file and writes one manifest per chart into dist/.
import { App } from 'cdk8s';
import { addSandboxCharts } from './lib';

const app = new App();
addSandboxCharts(app);
app.synth();
