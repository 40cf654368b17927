// Refuses, when the app is synthesized, what `kubectl apply -f dist` would silently get wrong:
// two objects that are one object to the API server (same API group, kind, namespace and name:
// the last one applied wins), and two Services that ask for the same nodePort (the API server
// allocates a nodePort once per cluster, so the second apply fails). Every object of the app
// is checked, in whichever chart it is, whoever created it.
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { IConstruct } from 'constructs';

const checkedRoots = new WeakSet<IConstruct>();

/**
 * Makes the synthesis of the app that holds `scope` fail when two of its objects collide. Each
 * construct of the sandbox calls it; the check is added once per app, and cdk8s runs it once for
 * the app and once more for each chart it writes.
 */
export function checkUniqueObjects(scope: IConstruct): void {
  const root = scope.node.root;
  if (checkedRoots.has(root)) {
    return;
  }
  checkedRoots.add(root);
  root.node.addValidation({ validate: () => collisions(root) });
}

/** One message per colliding pair, naming both construct paths. */
function collisions(root: IConstruct): string[] {
  const apiObjects = root.node.findAll().filter(ApiObject.isApiObject);
  const errors: string[] = [];

  const byIdentity = new Map<string, ApiObject>();
  const repeated = new Set<ApiObject>();
  for (const apiObject of apiObjects) {
    const namespace = apiObject.metadata.namespace;
    // The core group is "": v1 and apps/v1 differ in group, apps/v1 and apps/v1beta1 do not.
    // No namespace is the namespace "default", as the API documents it and kubectl applies it by
    // default.
    const identity = JSON.stringify([apiObject.apiGroup, apiObject.kind, namespace ?? 'default', apiObject.name]);
    const first = byIdentity.get(identity);
    if (first === undefined) {
      byIdentity.set(identity, apiObject);
      continue;
    }
    repeated.add(apiObject);
    const where = namespace === undefined ? '' : ` in namespace ${namespace}`;
    errors.push(
      `${apiObject.kind} ${apiObject.name}${where} is defined twice, by ${constructPath(first)} and ` +
        `${constructPath(apiObject)}: kubectl apply would keep only the last one; give one of them another name or namespace`,
    );
  }

  const byNodePort = new Map<number, ApiObject>();
  // A repeated Service is reported above: it replaces the first one rather than competing.
  for (const service of apiObjects.filter((o) => o.kind === 'Service' && !repeated.has(o))) {
    const ports: readonly { nodePort?: number }[] = servicePorts(service);
    // One Service may use a nodePort for both TCP and UDP: count each Service once per port.
    for (const nodePort of new Set(ports.flatMap((port) => port.nodePort ?? []))) {
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
  return errors;
}

/**
 * The ports of a Service object. A cdk8s-plus Service says them itself; resolving any other
 * Service (`toJson`) is what makes this check cost, and cdk8s validates the whole app once per
 * chart it synthesizes.
 */
function servicePorts(service: ApiObject): readonly { nodePort?: number }[] {
  const owner = service.node.scope;
  if (owner instanceof kplus.Service) {
    return owner.ports;
  }
  return service.toJson().spec?.ports ?? [];
}

/** The path of the construct that made `apiObject`: a cdk8s-plus object's, not its inner `Resource`. */
function constructPath(apiObject: ApiObject): string {
  return apiObject.node.path.replace(/\/Resource$/, '');
}
