// End-to-end test: no test packet leaves the machine. While the real-node cluster is up, the
// kernel routes the Service range, every pod range, every ClusterIP and every pod address to
// loopback or the cluster's own interfaces (kit/lab/cluster/node.sh), never through the default
// route's interface: asked with `ip route get` (kit/lab/e2e/routes.ts) for each of them and
// for the ends of each range. Only then does the last case send a packet to a ClusterIP that no
// rule of kube-proxy catches (a Service created while kube-proxy is stopped, as when the Service
// range had no route of its own and such packets left through eth0), with tcpdump capturing on
// the default route's interface and on node 1's bridge: nothing on the first, the packet's ARP
// on the second. Run by kit/lab/e2e/run.sh --real-node with the other real-node suites, as root.
import { execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { getJson, kubectl, kubectlOk, progress } from './kube';
import { defaultRouteInterfaces, requireLocalRoutes, routeInterface } from './routes';

const NAMESPACE = `${process.env.E2E_NAMESPACE ?? `k8s-sandbox-${Date.now().toString(36)}`}-routes`;
const COMPONENT_SH = path.resolve(__dirname, '../cluster/component.sh');
/** The Service range, the whole pod range and each node's pod subnet (run.sh, from kit/lab/cluster/env.sh). */
const SERVICE_CIDR = process.env.E2E_SERVICE_CIDR ?? '';
const CLUSTER_CIDR = process.env.E2E_CLUSTER_CIDR ?? '';
const POD_SUBNETS = (process.env.E2E_POD_SUBNETS ?? '').split(' ').filter(Boolean);
/** Node 1's bridge (env.sh's NODE_BRIDGE), where a packet to the Service range ends. */
const NODE_BRIDGE = 'k8s-sandbox0';

/** The first and the last address of an IPv4 range. */
function rangeEnds(cidr: string): [string, string] {
  const [address, bits] = cidr.split('/');
  const value = address!.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  const first = value - (value % size);
  const dotted = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
  return [dotted(first), dotted(first + size - 1)];
}

/** A capture with tcpdump on `device`, once it listens; `stop` ends it and returns the packets it saw. */
async function capture(device: string, filter: string): Promise<{ stop: () => Promise<string[]> }> {
  const child = spawn('tcpdump', ['-i', device, '-n', '-l', filter], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('listening on')) {
        resolve();
      }
    });
    child.on('close', (code) => reject(new Error(`tcpdump -i ${device} exited ${code}: ${stderr}`)));
  });
  return {
    stop: async () => {
      child.kill('SIGINT');
      await exited;
      return stdout.split('\n').filter(Boolean);
    },
  };
}

beforeAll(() => {
  expect(SERVICE_CIDR).not.toBe('');
  kubectlOk(['create', 'namespace', NAMESPACE]);
});

afterAll(() => {
  kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
});

test("the kernel routes every ClusterIP, pod address and range end to the cluster's own interfaces", () => {
  const services: { spec: { clusterIPs?: string[] } }[] = getJson(['services', '-A']).items;
  const clusterIps = services.flatMap((service) => service.spec.clusterIPs ?? []).filter((ip) => ip !== 'None');
  const pods: { status: { podIPs?: { ip: string }[] } }[] = getJson(['pods', '-A']).items;
  const podIps = pods.flatMap((pod) => (pod.status.podIPs ?? []).map(({ ip }) => ip));
  const rangeEndsAll = [SERVICE_CIDR, CLUSTER_CIDR, ...POD_SUBNETS].flatMap(rangeEnds);
  progress(
    `ip route get: ${clusterIps.length} ClusterIPs, ${podIps.length} pod addresses, the ends of ${rangeEndsAll.length / 2} ranges; default route through ${defaultRouteInterfaces().join(', ')}`,
  );
  expect(clusterIps.length).toBeGreaterThan(0);
  expect(podIps.length).toBeGreaterThan(0);
  expect(POD_SUBNETS.length).toBeGreaterThan(0);
  expect(() => requireLocalRoutes([...clusterIps, ...podIps, ...rangeEndsAll])).not.toThrow();
});

test('a request to a ClusterIP kube-proxy has no rule for ends on the bridge; nothing leaves through the default route', async () => {
  const [outside] = defaultRouteInterfaces();
  expect(outside).toBeDefined();
  progress('component.sh stop kube-proxy');
  execFileSync('bash', [COMPONENT_SH, 'stop', 'kube-proxy'], { stdio: ['ignore', 'inherit', 'inherit'] });
  try {
    // Created while kube-proxy is stopped: no rule of kube-proxy catches its ClusterIP.
    kubectlOk(['create', 'service', 'clusterip', 'unsynced', '--tcp=80:80', '-n', NAMESPACE]);
    const clusterIp = kubectlOk(['get', 'service', 'unsynced', '-n', NAMESPACE, '-o', 'jsonpath={.spec.clusterIP}']);
    expect(routeInterface(clusterIp)).toBe(NODE_BRIDGE);
    requireLocalRoutes([clusterIp]);
    const leaving = await capture(outside!, `dst net ${SERVICE_CIDR} or arp`);
    const onBridge = await capture(NODE_BRIDGE, `host ${clusterIp}`);
    const sent = await fetch(`http://${clusterIp}/`, { signal: AbortSignal.timeout(3_000) }).then(
      () => 'answered',
      (error: Error) => `${error.name}: ${error.cause instanceof Error ? error.cause.message : error.message}`,
    );
    progress(`the request to http://${clusterIp}/: ${sent}`);
    // tcpdump prints each packet as it sees it (-l): a moment for the last line to arrive.
    await sleep(500);
    const out = await leaving.stop();
    const bridge = await onBridge.stop();
    progress(`captured on ${outside}: ${out.length} packets; on ${NODE_BRIDGE}: ${bridge.length} (${bridge[0] ?? ''})`);
    expect(sent).not.toBe('answered');
    expect(out.filter((line) => line.includes(clusterIp))).toEqual([]);
    expect(bridge.join('\n')).toContain(clusterIp);
  } finally {
    progress('component.sh start kube-proxy');
    execFileSync('bash', [COMPONENT_SH, 'start', 'kube-proxy'], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
});
