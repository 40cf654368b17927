// Refuses, when the app is synthesized, what `kubectl apply -f dist` would silently get wrong:
// two objects that are one object to the API server (same API group, kind, namespace and name:
// the last one applied wins; a cluster-scoped kind has no namespace, whatever its chart's, as
// the kit's scope.ts finds from Kubernetes' own answer or the app's CustomResourceDefinition), two Services that ask for the same nodePort (the API server
// allocates a nodePort once per cluster, so the second apply fails), and a string that kubectl
// would read as a number (yaml-strings.ts). Every object of the app is checked, in whichever
// chart it is, whoever created it, as it is synthesized: a name or a nodePort set through an
// escape hatch (`ApiObject.of(x).addJsonPatch(...)`) counts. Within one Service, the API server
// refuses a nodePort that two ports share unless they are one port number for two protocols
// (53/TCP and 53/UDP).
import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { DEFAULT_NAMESPACE, declaredScopes, placedNamespace } from 'k8s-sandbox-kit/objects';
import { droppedPatchFields } from './json-patches';
import { numberLikeStrings } from './yaml-strings';
import { addValidationOncePerSynth } from './sandbox-app';
import { selectorErrors } from './selector-guard';

/** The apps whose check is added. */
const checkedRoots = new WeakSet<IConstruct>();

/**
 * Makes the synthesis of the app that holds `scope` fail when two of its objects collide, or when
 * a selector selects another sandbox construct's pods through labels they inherit
 * (selector-guard.ts): both read every object of the app, rendered once. Each construct of the
 * sandbox calls it; the check is added once per app, and runs once per synth of the App
 * (sandbox-app.ts).
 */
export function checkUniqueObjects(scope: IConstruct): void {
  const root = scope.node.root;
  if (checkedRoots.has(root)) {
    return;
  }
  checkedRoots.add(root);
  addValidationOncePerSynth(root, () => collisions(root));
}

/** A synthesized object: what the check reads of it. */
interface Synthesized {
  readonly apiObject: ApiObject;
  /** `apiObject.toJson()`. */
  readonly manifest: unknown;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly nodePorts: readonly NodePort[];
}

/** A Service port that asks for a nodePort, where it is in `spec.ports`. */
interface NodePort {
  readonly nodePort: number;
  readonly port: number;
  /** As the API server defaults it: TCP when unset. */
  readonly protocol: string;
  readonly index: number;
}

/**
 * One message per colliding pair, naming both construct paths; and, as the check renders every
 * object, one per field that a JSON patch writes and cdk8s then drops (json-patches.ts).
 */
function collisions(root: IConstruct): string[] {
  const objects = root.node.findAll().filter(ApiObject.isApiObject).map(synthesized);
  const errors = objects.flatMap((o) => [
    ...droppedPatchFields(o.apiObject, o.manifest, constructPath(o)),
    ...numberLikeStrings(o.manifest, constructPath(o)),
  ]);

  const byIdentity = new Map<string, Synthesized>();
  const repeated = new Set<Synthesized>();
  const declared = declaredScopes(objects.map((o) => o.manifest as Record<string, unknown>));
  for (const object of objects) {
    const { apiObject, kind, name, namespace } = object;
    // The core group is "": v1 and apps/v1 differ in group, apps/v1 and apps/v1beta1 do not.
    // No namespace is the namespace "default", as the API documents it and kubectl applies it by
    // default; a cluster-scoped object has none.
    const placed = placedNamespace(apiObject.apiGroup, kind, namespace, DEFAULT_NAMESPACE, declared);
    const identity = JSON.stringify([apiObject.apiGroup, kind, placed, name]);
    const first = byIdentity.get(identity);
    if (first === undefined) {
      byIdentity.set(identity, object);
      continue;
    }
    repeated.add(object);
    const where = namespace === undefined || placed === '' ? '' : ` in namespace ${namespace}`;
    const fix =
      placed === ''
        ? `give one of them another name: a ${kind} is cluster-scoped, one object whatever namespace its chart has`
        : 'give one of them another name or namespace';
    errors.push(
      `${kind} ${name}${where} is defined twice, by ${constructPath(first)} and ${constructPath(object)}: ` +
        `kubectl apply would keep only the last one; ${fix}`,
    );
  }

  const byNodePort = new Map<number, Synthesized>();
  // A repeated Service is reported above: it replaces the first one rather than competing.
  for (const service of objects.filter((o) => !repeated.has(o))) {
    errors.push(...sharedNodePorts(service));
    // The API server allocates a nodePort to one Service, whatever the protocol: count each
    // Service once per nodePort.
    for (const nodePort of new Set(service.nodePorts.map((p) => p.nodePort))) {
      const first = byNodePort.get(nodePort);
      if (first === undefined) {
        byNodePort.set(nodePort, service);
        continue;
      }
      errors.push(
        `nodePort ${nodePort} is taken twice, by Service ${first.name} (${constructPath(first)}) and ` +
          `Service ${service.name} (${constructPath(service)}): the API server gives a nodePort to one ` +
          'Service in the whole cluster; give one of them another nodePort',
      );
    }
  }
  return [...errors, ...selectorErrors(objects)];
}

/**
 * One message per port of `service` whose nodePort an earlier port of it has taken, as the API
 * server refuses them when it creates the Service: ValidateService refuses a nodePort repeated for
 * one protocol (`Duplicate value`); the nodePort allocator (initNodePorts in
 * pkg/registry/core/service/storage/alloc.go) gives a nodePort once per service port number, so
 * a port of another number that asks for it is refused (`provided port is already allocated`).
 */
function sharedNodePorts(service: Synthesized): string[] {
  const errors: string[] = [];
  for (const [i, second] of service.nodePorts.entries()) {
    const first = service.nodePorts.slice(0, i).find((p) => p.nodePort === second.nodePort);
    if (first === undefined) {
      continue;
    }
    const sameProtocol = first.protocol === second.protocol;
    if (sameProtocol || first.port !== second.port) {
      const ports = (p: NodePort) => `spec.ports[${p.index}] (${p.port}/${p.protocol})`;
      errors.push(
        `nodePort ${second.nodePort} is taken twice in Service ${service.name} (${constructPath(service)}), by ` +
          `${ports(first)} and ${ports(second)}: the API server lets two ports of a Service share a nodePort only ` +
          `when they have one port number and two protocols; give ${ports(second).split(' ')[0]} another nodePort` +
          (sameProtocol ? '' : ` or port ${first.port}`),
      );
    }
  }
  return errors;
}

/** What the check reads of `apiObject`, from its manifest as `cdk8s synth` writes it. */
function synthesized(apiObject: ApiObject): Synthesized {
  const manifest = apiObject.toJson();
  const ports: readonly { nodePort?: number; port?: number; protocol?: string }[] =
    (manifest.kind === 'Service' && manifest.spec?.ports) || [];
  return {
    apiObject,
    manifest,
    kind: manifest.kind,
    name: manifest.metadata?.name,
    namespace: manifest.metadata?.namespace,
    // nodePort 0 (or none) asks the API server to pick a free one.
    nodePorts: ports.flatMap(({ nodePort, port, protocol }, index) =>
      !nodePort ? [] : [{ nodePort, port: port ?? 0, protocol: protocol ?? 'TCP', index }],
    ),
  };
}

/** The path of the construct that made the object: a cdk8s-plus object's, not its inner `Resource`. */
function constructPath({ apiObject }: Synthesized): string {
  return apiObject.node.path.replace(/\/Resource$/, '');
}
