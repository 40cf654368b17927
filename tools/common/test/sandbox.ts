// The sandbox as the tools' tests see it: the charts main.ts synthesizes, each chart's objects
// under the file name `cdk8s synth` gives it. The one place these tests build the app's charts.
import { Testing } from 'cdk8s';
import { type SandboxProps, addSandboxCharts } from '../../../lib';
import type { KubeObject } from '../kube';

export type { SandboxProps };

/** Each file of dist/ and its objects, as `cdk8s synth` writes them (main.ts's own function). */
export function sandboxFiles(props: SandboxProps = {}): Record<string, KubeObject[]> {
  const charts = addSandboxCharts(Testing.app(), props);
  return {
    'fib-client.k8s.yaml': Testing.synth(charts.fibClient),
    'nginx.k8s.yaml': Testing.synth(charts.nginx),
  };
}

/** Every object of dist/, in file order. */
export function sandboxObjects(props: SandboxProps = {}): KubeObject[] {
  return Object.values(sandboxFiles(props)).flat();
}
