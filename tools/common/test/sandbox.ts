// The sandbox as the tools' tests see it: the charts main.ts synthesizes, each chart's objects
// under the file name `cdk8s synth` gives it. The one place these tests build the app's charts.
import { Testing } from 'cdk8s';
import { FibClientChart, type FibClientProps, NginxChart, type NginxDeploymentProps } from '../../../lib';
import type { KubeObject } from '../kube';

/** Props to vary from the sandbox's defaults. */
export interface SandboxProps {
  readonly fibClient?: FibClientProps;
  readonly nginx?: NginxDeploymentProps;
}

/** Each file of dist/ and its objects, as `cdk8s synth` writes them. */
export function sandboxFiles(props: SandboxProps = {}): Record<string, KubeObject[]> {
  const app = Testing.app();
  return {
    'fib-client.k8s.yaml': Testing.synth(new FibClientChart(app, 'fib-client', { fibClient: props.fibClient })),
    'nginx.k8s.yaml': Testing.synth(new NginxChart(app, 'nginx', { nginx: props.nginx })),
  };
}

/** Every object of dist/, in file order. */
export function sandboxObjects(props: SandboxProps = {}): KubeObject[] {
  return Object.values(sandboxFiles(props)).flat();
}
