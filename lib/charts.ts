// The charts main.ts synthesizes: one file in dist/ each.
import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import { FibClient, type FibClientProps } from './fib-client';
import { NginxDeployment, type NginxDeploymentProps } from './nginx';

/** Props for {@link FibClientChart}. */
export interface FibClientChartProps extends ChartProps {
  /**
   * Props of the FibClient.
   * @default - the sandbox's fib-client
   */
  readonly fibClient?: FibClientProps;
}

/** The fib-client Pod and its NodePort Service. */
export class FibClientChart extends Chart {
  constructor(scope: Construct, id: string, props: FibClientChartProps = {}) {
    super(scope, id, props);
    new FibClient(this, 'fib-client', props.fibClient);
  }
}

/** Props for {@link NginxChart}. */
export interface NginxChartProps extends ChartProps {
  /**
   * Props of the NginxDeployment.
   * @default - the sandbox's nginx Deployment
   */
  readonly nginx?: NginxDeploymentProps;
}

/** The nginx Deployment. */
export class NginxChart extends Chart {
  constructor(scope: Construct, id: string, props: NginxChartProps = {}) {
    super(scope, id, props);
    new NginxDeployment(this, 'nginx', props.nginx);
  }
}
