// The picture of what gets deployed, for docs/deployment.md: a Mermaid flowchart of the
// synthesized objects, which Service (or PDB, NetworkPolicy) selects which pods by their labels,
// and each Service port's chain nodePort -> port -> targetPort -> containerPort. A pure function
// of the objects, sorted, so the same manifests always give the same file.
import {
  type KubeObject,
  compareIds,
  displayId,
  getPath,
  isRecord,
  objectId,
  podSelector,
  podTemplate,
  selectedOwners,
  stringMap,
} from '../common/kube';

/** Where the file lives, relative to the project root. */
export const DIAGRAM_FILE = 'docs/deployment.md';
/** The README shows the same flowchart between these two markers. */
export const README_FILE = 'README.md';
const README_BEGIN = '<!-- deployment-diagram:begin (npm run diagram writes this block) -->';
const README_END = '<!-- deployment-diagram:end -->';

/**
 * Each object's Mermaid node id: letters, digits and `_` only, derived from the object so it is
 * stable. Two objects whose kind, namespace and name differ only in punctuation (`a`/`b-c` and
 * `a-b`/`c`) would get one id and be drawn as one node: the later one in `sorted` order gets a
 * `_2` (`_3`, ...) suffix instead.
 */
function nodeIds(sorted: readonly KubeObject[]): Map<KubeObject, string> {
  const ids = new Map<KubeObject, string>();
  const taken = new Set<string>();
  for (const object of sorted) {
    const id = objectId(object);
    const base = [id.kind, id.namespace, id.name]
      .filter(Boolean)
      .join('_')
      .replace(/[^A-Za-z0-9]/g, '_');
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) {
      candidate = `${base}_${n}`;
    }
    taken.add(candidate);
    ids.set(object, candidate);
  }
  return ids;
}

/** Text inside a quoted Mermaid label: quotes would end it. */
function label(lines: readonly string[]): string {
  return `"${lines.join('<br/>').replace(/"/g, '#quot;')}"`;
}

function pairs(map: Record<string, string>): string {
  return Object.entries(map)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}

function containers(spec: Record<string, unknown>): Record<string, unknown>[] {
  return ((spec.containers as unknown[] | undefined) ?? []).filter(isRecord);
}

/** The lines a node shows: kind and name, then what a reviewer checks at a glance. */
function nodeLines(object: KubeObject): string[] {
  const id = objectId(object);
  const lines = [`${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`];
  const template = podTemplate(object);
  if (template) {
    const replicas = getPath(object, 'spec', 'replicas');
    if (replicas !== undefined && id.kind !== 'Pod') {
      lines.push(`replicas: ${String(replicas)}`);
    }
    for (const container of containers(template.spec)) {
      lines.push(`${String(container.name)}: ${String(container.image)}`);
    }
    lines.push(`labels: ${pairs(template.labels) || '(none)'}`);
  }
  if (id.kind === 'Service' && id.group === '') {
    lines.push(`type: ${String(getPath(object, 'spec', 'type') ?? 'ClusterIP')}`);
    lines.push(`selector: ${pairs(stringMap(object, 'spec', 'selector')) || '(none)'}`);
  }
  for (const field of ['minAvailable', 'maxUnavailable', 'policyTypes']) {
    const value = getPath(object, 'spec', field);
    if (value !== undefined) {
      lines.push(`${field}: ${Array.isArray(value) ? value.join(', ') : String(value)}`);
    }
  }
  return lines;
}

/** The container port a Service's targetPort (a number or a port name) reaches in a pod. */
function containerPortFor(owner: KubeObject, targetPort: unknown): { container: string; port: number } | undefined {
  const template = podTemplate(owner);
  for (const container of template ? containers(template.spec) : []) {
    for (const port of ((container.ports as unknown[] | undefined) ?? []).filter(isRecord)) {
      if (port.containerPort === targetPort || (typeof targetPort === 'string' && port.name === targetPort)) {
        return { container: String(container.name), port: Number(port.containerPort) };
      }
    }
  }
  return undefined;
}

/**
 * A Service's way to its pods: an edge from the nodes for each nodePort, an edge through each
 * port to each pod owner it selects, and each such chain of ports in words.
 */
function serviceRoutes(
  service: KubeObject,
  owners: readonly KubeObject[],
  nodeId: (object: KubeObject) => string,
): { edges: string[]; chains: string[]; onNodes: boolean } {
  const id = objectId(service);
  const edges: string[] = [];
  const chains: string[] = [];
  let exposedOnNodes = false;
  if (owners.length === 0) {
    chains.push(`- \`${displayId(id)}\` selects no pods: it has no endpoints`);
  }
  const type = getPath(service, 'spec', 'type');
  for (const port of ((getPath(service, 'spec', 'ports') as unknown[] | undefined) ?? []).filter(isRecord)) {
    const onNodes = type === 'NodePort' || type === 'LoadBalancer';
    const nodePort = onNodes ? `nodePort ${String(port.nodePort ?? '(assigned by the cluster)')}` : undefined;
    const targetPort = port.targetPort ?? port.port;
    if (nodePort) {
      exposedOnNodes = true;
      edges.push(`  nodes -->|"${nodePort}"| ${nodeId(service)}`);
    }
    for (const owner of owners) {
      const reached = containerPortFor(owner, targetPort);
      const end = reached ? `containerPort ${reached.port}` : 'no such containerPort';
      const hops = [`port ${String(port.port)}`, `targetPort ${String(targetPort)}`, end];
      edges.push(`  ${nodeId(service)} -->|"${hops.join(' → ')}"| ${nodeId(owner)}`);
      const where = reached ? ` (container \`${reached.container}\` of \`${displayId(objectId(owner))}\`)` : '';
      const name = port.name ? ` port \`${String(port.name)}\`` : '';
      chains.push(`- \`${displayId(id)}\`${name}: ${[nodePort, ...hops].filter(Boolean).join(' → ')}${where}`);
    }
  }
  return { edges, chains, onNodes: exposedOnNodes };
}

/** The Markdown file: a heading, the Mermaid flowchart, and the port chains spelled out. */
export function deploymentDiagram(objects: readonly KubeObject[]): string {
  const sorted = [...objects].sort((a, b) => compareIds(objectId(a), objectId(b)));
  const ids = nodeIds(sorted);
  const nodeId = (object: KubeObject): string => ids.get(object) ?? '';
  const nodes: string[] = [];
  const edges: string[] = [];
  const chains: string[] = [];
  let exposedOnNodes = false;

  for (const object of sorted) {
    const id = objectId(object);
    const isService = id.kind === 'Service' && id.group === '';
    // Services as hexagons: they route traffic, they run nothing.
    nodes.push(`  ${nodeId(object)}${isService ? `{{${label(nodeLines(object))}}}` : `[${label(nodeLines(object))}]`}`);
    if (!podSelector(object)) {
      continue;
    }
    const owners = selectedOwners(object, sorted);
    if (!isService) {
      // Dotted: a PodDisruptionBudget or NetworkPolicy applies to the pods, no traffic flows.
      const how =
        id.kind === 'NetworkPolicy'
          ? 'network policy'
          : id.kind === 'PodDisruptionBudget'
            ? 'disruption budget'
            : 'selects';
      edges.push(...owners.map((owner) => `  ${nodeId(object)} -.->|"${how}"| ${nodeId(owner)}`));
      continue;
    }
    const routes = serviceRoutes(object, owners, nodeId);
    edges.push(...routes.edges);
    chains.push(...routes.chains);
    exposedOnNodes ||= routes.onNodes;
  }
  if (exposedOnNodes) {
    nodes.unshift('  nodes(("every node"))');
  }

  return [
    '# What gets deployed',
    '',
    '<!-- Generated by `npm run diagram` from dist/; `npm run diagram -- --check`, a CI step, fails when it is stale. -->',
    '',
    'The objects that `kubectl apply -f dist` creates, the pods each Service sends traffic to (by label), and the',
    'ports on the way.',
    '',
    '```mermaid',
    'flowchart LR',
    ...nodes,
    ...edges,
    '```',
    '',
    '## Ports',
    '',
    ...(chains.length > 0 ? chains : ['No Service selects a pod.']),
    '',
  ].join('\n');
}

/** `readme` with the Mermaid block of `diagram` (the output of deploymentDiagram) between its markers. */
export function readmeWithDiagram(readme: string, diagram: string): string {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (begin === -1 || end < begin) {
    throw new Error(`${README_FILE} has no "${README_BEGIN}" ... "${README_END}" block for the diagram`);
  }
  const block = diagram.slice(
    diagram.indexOf('```mermaid'),
    diagram.indexOf('```\n', diagram.indexOf('```mermaid') + 3) + 3,
  );
  return `${readme.slice(0, begin + README_BEGIN.length)}\n\n${block}\n\n${readme.slice(end)}`;
}
