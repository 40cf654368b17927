// An app with two charts of one class, the second with a bad prop, for synth.test.ts: the
// message must name the second chart's construct, not the first's.
import { App } from 'cdk8s';
import { NginxChart } from '../../lib';

const app = new App();
new NginxChart(app, 'nginx');
new NginxChart(app, 'nginx-2', { replicas: -1 });
app.synth();
