// The picture of what gets deployed that `npm run diagram` draws: it must follow labels and ports.
// (Whether the committed docs/deployment.md shows dist/ is `npm run diagram -- --check`, a CI step.)
import { deploymentDiagram, readmeWithDiagram } from '../deployment-diagram';
import type { KubeObject } from '../../common/kube';
import { parseManifests } from '../../common/manifests';
import { sandboxObjects } from '../../common/test/sandbox-fixture';

function objects(yaml: string): KubeObject[] {
  // A leading `---` makes it a YAML stream even where it starts with a flow mapping `{`.
  return parseManifests(`---\n${yaml}`, 'the test');
}

test('readmeWithDiagram replaces only the block between the markers', () => {
  const diagram = '# x\n\n```mermaid\nflowchart LR\n  a --> b\n```\n\n## Ports\n';
  const readme =
    'intro\n<!-- deployment-diagram:begin (npm run diagram writes this block) -->\nold\n<!-- deployment-diagram:end -->\noutro\n';
  expect(readmeWithDiagram(readme, diagram)).toBe(
    'intro\n<!-- deployment-diagram:begin (npm run diagram writes this block) -->\n\n' +
      '```mermaid\nflowchart LR\n  a --> b\n```\n\n<!-- deployment-diagram:end -->\noutro\n',
  );
  expect(() => readmeWithDiagram('no markers', diagram)).toThrow('README.md has no');
});

test('the sandbox picture: the NodePort port chain reaches the fib-client Pod, nothing selects nginx', () => {
  const manifests = sandboxObjects();
  const diagram = deploymentDiagram(manifests);

  expect(diagram).toContain('  nodes -->|"nodePort 31515"| Service_fib_client_node_port\n');
  expect(diagram).toContain(
    '  Service_fib_client_node_port -->|"port 3050 → targetPort 3000 → containerPort 3000"| Pod_fib_client_pod\n',
  );
  expect(diagram).not.toMatch(/--> *(\|[^|]*\| *)?Deployment_nginx_deployment/);
  // The order the objects come in does not matter.
  expect(deploymentDiagram([...manifests].reverse())).toBe(diagram);
});

describe('label matching and ports', () => {
  const workloads = `
{ apiVersion: apps/v1, kind: Deployment, metadata: { name: api },
  spec: { replicas: 3, template: { metadata: { labels: { app: api, tier: back } },
    spec: { containers: [{ name: api, image: "api:1", ports: [{ name: web, containerPort: 8080 }] }] } } } }
---
{ apiVersion: apps/v1, kind: Deployment, metadata: { name: api, namespace: other },
  spec: { template: { metadata: { labels: { app: api } }, spec: { containers: [{ name: api, image: "api:1" }] } } } }
`;

  test('a named targetPort resolves to the container port of that name, in the same namespace only', () => {
    const diagram = deploymentDiagram(
      objects(`${workloads}---
{ apiVersion: v1, kind: Service, metadata: { name: api }, spec: { selector: { app: api }, ports: [{ port: 80, targetPort: web }] } }`),
    );
    expect(diagram).toContain('  Service_api -->|"port 80 → targetPort web → containerPort 8080"| Deployment_api\n');
    expect(diagram).not.toContain('Deployment_other_api\n');
    expect(diagram).not.toContain('nodes');
    expect(diagram).toContain(
      '- `Service/api`: port 80 → targetPort web → containerPort 8080 (container `api` of `Deployment/api`)',
    );
  });

  test('a Service whose selector matches no pod, and a port no container has', () => {
    const diagram = deploymentDiagram(
      objects(`${workloads}---
{ apiVersion: v1, kind: Service, metadata: { name: none }, spec: { selector: { app: api, tier: front }, ports: [{ port: 80 }] } }
---
{ apiVersion: v1, kind: Service, metadata: { name: wrong }, spec: { selector: { tier: back }, ports: [{ port: 81 }] } }`),
    );
    expect(diagram).toContain('- `Service/none` selects no pods: it has no endpoints');
    expect(diagram).toContain(
      '  Service_wrong -->|"port 81 → targetPort 81 → no such containerPort"| Deployment_api\n',
    );
  });

  test('a PodDisruptionBudget selects with matchExpressions', () => {
    const diagram = deploymentDiagram(
      objects(`${workloads}---
{ apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: { name: api },
  spec: { maxUnavailable: 1, selector: { matchExpressions: [{ key: tier, operator: In, values: [back] }] } } }`),
    );
    expect(diagram).toContain('  PodDisruptionBudget_api["PodDisruptionBudget api<br/>maxUnavailable: 1"]\n');
    expect(diagram).toContain('  PodDisruptionBudget_api -.->|"disruption budget"| Deployment_api\n');
    expect(diagram).not.toContain('Deployment_other_api\n');
  });
});

test('two objects whose names differ only in punctuation are two nodes', () => {
  const diagram = deploymentDiagram(
    objects(`
{ apiVersion: v1, kind: ConfigMap, metadata: { namespace: a, name: b-c } }
---
{ apiVersion: v1, kind: ConfigMap, metadata: { namespace: a-b, name: c } }
`),
  );
  const nodeLines = diagram.split('\n').filter((line) => /^ {2}ConfigMap_/.test(line));
  expect(nodeLines).toHaveLength(2);
  expect(nodeLines.map((line) => line.split(/[[{]/)[0].trim())).toEqual(['ConfigMap_a_b_c', 'ConfigMap_a_b_c_2']);
});
