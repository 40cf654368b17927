// Across the sandbox fixture (laid out as dist/): each object that selects pods by label (the
// NodePort Service, the PodDisruptionBudget, the NetworkPolicies) selects its own pods and nothing
// else. Label matching is kit/pkg/common/kube.ts's, proven against Kubernetes' own in
// kit/pkg/check/test/selection.test.ts, which the diff and the diagram use.
import { displayId, findObject, objectId, selectedOwners } from '../../common/kube';
import { sandboxObjects } from '../../common/test/sandbox-fixture';

const manifests = sandboxObjects();

test.each([
  ['Service', 'fib-client-node-port', ['Pod/fib-client-pod']],
  ['NetworkPolicy', 'fib-client-netpol', ['Pod/fib-client-pod']],
  ['PodDisruptionBudget', 'nginx-pdb', ['Deployment/nginx-deployment']],
  ['NetworkPolicy', 'nginx-netpol', ['Deployment/nginx-deployment']],
])('%s/%s selects only %j', (kind, name, owners) => {
  const selecting = findObject(manifests, kind, name);
  expect(selectedOwners(selecting, manifests).map((owner) => displayId(objectId(owner)))).toEqual(owners);
});
