// The cdk8s app: `cdk8s synth` runs this file and writes one manifest per chart into dist/.
import { SandboxApp, addSandboxCharts } from './lib';

const app = new SandboxApp();
addSandboxCharts(app);
app.synth();
