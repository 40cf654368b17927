// kit/pkg/common/kube-scopes.json, the scope of every built-in kind that the toolkit and the
// constructs key objects by, is what kube-rules (Kubernetes' registry strategies, at the pinned
// k8s.io/kubernetes) answers: a bump of the module that changes a scope or adds a kind fails here.
import * as fs from 'node:fs';
import { KUBE_SCOPES_FILE, kubeScopesText } from '../../common/kube-scopes';

test('kube-scopes.json is what kube-rules kinds answers (regenerate: kit/pkg/common/kube-scopes.ts)', async () => {
  const expected = await kubeScopesText((line) => process.stderr.write(`kube-scopes: ${line}\n`));
  expect(fs.readFileSync(KUBE_SCOPES_FILE, 'utf8')).toBe(expected);
  const { scopes } = JSON.parse(expected) as { scopes: Record<string, string> };
  expect(scopes).toMatchObject({ 'ClusterRole.rbac.authorization.k8s.io': 'Cluster', Pod: 'Namespaced' });
});
