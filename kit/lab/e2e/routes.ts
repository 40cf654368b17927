// Where the kernel would send a packet, asked before a test sends one: `ip route get`, the
// kernel's own route lookup. Test traffic goes to loopback or to the cluster's own interfaces on
// this machine (kit/lab/cluster/node.sh routes the Service and pod ranges to node 1's bridge),
// never out through a default route's interface to another private-range address.
import { spawnSync } from 'node:child_process';

/** The interfaces a test may send through: loopback, and the cluster's bridges (kit/lab/cluster/env.sh's NODE_BRIDGE, NODE_NETWORK_BRIDGE). */
const CLUSTER_INTERFACE = /^(lo|k8s-sandbox0|k8s-sandbox-n)$/;

/** One route of `ip -j route ...`. */
interface Route {
  readonly dst?: string;
  readonly dev?: string;
  readonly type?: string;
}

function ipJson(args: readonly string[]): Route[] {
  const result = spawnSync('ip', ['-j', ...args], { encoding: 'utf8' });
  if (result.error) {
    throw new Error(`ip ${args.join(' ')}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new Error(`ip ${args.join(' ')}: ${result.stderr.trim()}`);
  }
  return JSON.parse(result.stdout) as Route[];
}

/** The interfaces of this machine's default routes (`ip route show default`). */
export function defaultRouteInterfaces(): string[] {
  return ipJson(['route', 'show', 'default']).flatMap((route) => (route.dev === undefined ? [] : [route.dev]));
}

/** The interface the kernel routes a packet to `address` through (`ip route get`). */
export function routeInterface(address: string): string {
  const [route] = ipJson(['route', 'get', address]);
  if (route?.dev === undefined) {
    throw new Error(`ip route get ${address}: no interface in ${JSON.stringify(route)}`);
  }
  return route.dev;
}

/**
 * Throws, naming each address and its interface, unless the kernel routes every one of
 * `addresses` (IPs, or http:// URLs) to loopback or one of the cluster's interfaces, and none
 * through a default route's interface.
 */
export function requireLocalRoutes(addresses: readonly string[]): void {
  const defaults = defaultRouteInterfaces();
  const wrong = addresses.flatMap((target) => {
    const address = /^https?:\/\//.test(target) ? new URL(target).hostname : target;
    const device = routeInterface(address);
    return CLUSTER_INTERFACE.test(device) && !defaults.includes(device)
      ? []
      : [`${address} goes through ${device}${defaults.includes(device) ? ', the default route' : ''}`];
  });
  if (wrong.length > 0) {
    throw new Error(
      `test traffic may go only to loopback or the cluster's own interfaces (lo, k8s-sandbox0, k8s-sandbox-n), by the kernel's route lookup (ip route get): ${wrong.join('; ')}`,
    );
  }
}
