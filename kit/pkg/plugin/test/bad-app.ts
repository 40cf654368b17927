// A cdk8s app whose objects the API server and Pod Security refuse, though cdk8s writes them:
// a ConfigMap whose name is not a DNS subdomain, and a Pod with a privileged container.
import { ApiObject, App, Chart } from 'cdk8s';

const app = new App();
const chart = new Chart(app, 'chart');
new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } });
new ApiObject(chart, 'worker', {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'worker' },
  spec: { containers: [{ name: 'main', image: 'busybox:1.35.0', securityContext: { privileged: true } }] },
});
app.synth();
