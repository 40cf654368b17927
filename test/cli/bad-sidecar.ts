// An app like main.ts that adds, through the public attribute, a sidecar the kubelet would refuse
// (an image with capitals) and a second one without a name (cdk8s-plus names both 'main'), for
// synth.test.ts: `cdk8s synth` must refuse them.
import { App } from 'cdk8s';
import { addSandboxCharts } from '../../lib';

const app = new App();
const { fibClient } = addSandboxCharts(app);
fibClient.fibClient.pod.addContainer({ image: 'BusyBox:1.35.0' });
fibClient.fibClient.pod.addContainer({ image: 'busybox:1.35.0' });
app.synth();
