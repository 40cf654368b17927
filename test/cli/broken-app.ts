// An app like main.ts with a bug, for synth.test.ts: `cdk8s synth` must show where it is.
import { App, type Chart } from 'cdk8s';
import { addSandboxCharts } from '../../lib';

const app = new App();
const charts: Partial<Record<string, Chart>> = { ...addSandboxCharts(app) };
// The bug: there is no chart named web. A TypeError, with its stack trace.
(charts.web as Chart).node.id.toString();
app.synth();
