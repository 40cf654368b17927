// An app like main.ts with one bad prop, for synth.test.ts: `cdk8s synth` must refuse it.
import { App } from 'cdk8s';
import { addSandboxCharts } from '../../lib';

const app = new App();
addSandboxCharts(app, { fibClient: { nodePort: 80 } });
app.synth();
