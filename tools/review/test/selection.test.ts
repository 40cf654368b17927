// Across everything main.ts synthesizes: each object that selects pods by label (the NodePort
// Service, the PodDisruptionBudget, the NetworkPolicies) selects its own pods and nothing else.
// Label matching is the tools' (tools/common/kube.ts, proven against Kubernetes' own in
// tools/check/test/selection.test.ts), which the diff and the diagram also use.
import { type KubeObject, selectedOwners } from '../../common/kube';
import { findObject } from '../../../test/manifests';
import { sandboxObjects } from '../../common/test/sandbox';

const manifests = sandboxObjects();
const named = manifests as unknown as { kind: string; metadata: { name: string } }[];

function selected(kind: string, name: string): string[] {
  const selecting = findObject(named, kind, name) as unknown as KubeObject;
  return selectedOwners(selecting, manifests).map(
    (owner) => `${String(owner.kind)}/${String((owner.metadata as { name: string }).name)}`,
  );
}

test.each([
  ['Service', 'fib-client-node-port', ['Pod/fib-client-pod']],
  ['NetworkPolicy', 'fib-client-netpol', ['Pod/fib-client-pod']],
  ['PodDisruptionBudget', 'nginx-pdb', ['Deployment/nginx-deployment']],
  ['NetworkPolicy', 'nginx-netpol', ['Deployment/nginx-deployment']],
])('%s/%s selects only %j', (kind, name, owners) => {
  expect(selected(kind, name)).toEqual(owners);
});
