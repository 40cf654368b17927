// A kubeconfig whose only context, `gone`, points at a port that was free a moment ago, so that
// kubectl's connection is refused: for the CLI tests of commands that must name an unreachable
// cluster in kubectl's own words.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** Writes `dir`/kubeconfig for a cluster that refuses connections, and returns its path. */
export async function writeUnreachableKubeconfig(dir: string, namespace?: string): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as net.AddressInfo;
      server.close(() => resolve(free));
    });
  });
  const context = namespace
    ? `{cluster: gone, user: someone, namespace: ${namespace}}`
    : '{cluster: gone, user: someone}';
  const kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: gone, cluster: {server: "https://127.0.0.1:${port}"}}]
users: [{name: someone, user: {token: x}}]
contexts: [{name: gone, context: ${context}}]
current-context: gone
`,
  );
  return kubeconfig;
}
