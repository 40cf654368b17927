// The charts of the sandbox, one file in dist/ each, and the one function that adds them to an
// app: main.ts and the tests both call it, so the tests test what `cdk8s synth` writes.
import { type App, Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import { FibClient, type FibClientProps } from './fib-client';
import { NginxDeployment, type NginxDeploymentProps } from './nginx';
import {
  BOOLEAN_RULE,
  LABELS_RULE,
  NAMESPACE_RULE,
  type PropRules,
  validateProps,
  validatePropsObject,
} from './validation';

const CHART_PROP_RULES: PropRules<ChartProps> = {
  namespace: NAMESPACE_RULE,
  labels: LABELS_RULE,
  disableResourceNameHashes: BOOLEAN_RULE,
};

/**
 * Splits a chart's flat props into the Chart's own, checked here, and the construct's, which
 * the construct checks (and refuses any it does not know).
 */
function splitProps<P extends object>(chart: string, props: ChartProps & P): [ChartProps, P] {
  validatePropsObject(chart, props);
  const { namespace, labels, disableResourceNameHashes, ...constructProps } = props;
  const chartProps = { namespace, labels, disableResourceNameHashes };
  validateProps(chart, chartProps, CHART_PROP_RULES);
  return [chartProps, constructProps as P];
}

/** Props for {@link FibClientChart}: the Chart's and the FibClient's, side by side. */
export interface FibClientChartProps extends ChartProps, FibClientProps {}

/** The fib-client Pod and its NodePort Service. */
export class FibClientChart extends Chart {
  /** The FibClient. */
  public readonly fibClient: FibClient;

  constructor(scope: Construct, id: string, props: FibClientChartProps = {}) {
    const [chartProps, fibClientProps] = splitProps<FibClientProps>('FibClientChart', props);
    super(scope, id, chartProps);
    this.fibClient = new FibClient(this, 'fib-client', fibClientProps);
  }
}

/** Props for {@link NginxChart}: the Chart's and the NginxDeployment's, side by side. */
export interface NginxChartProps extends ChartProps, NginxDeploymentProps {}

/** The nginx Deployment. */
export class NginxChart extends Chart {
  /** The NginxDeployment. */
  public readonly nginx: NginxDeployment;

  constructor(scope: Construct, id: string, props: NginxChartProps = {}) {
    const [chartProps, nginxProps] = splitProps<NginxDeploymentProps>('NginxChart', props);
    super(scope, id, chartProps);
    this.nginx = new NginxDeployment(this, 'nginx', nginxProps);
  }
}

/** Props of each chart of the sandbox, for tests and variants of the app. */
export interface SandboxProps {
  /**
   * Props of the fib-client chart.
   * @default - the sandbox's fib-client
   */
  readonly fibClient?: FibClientChartProps;
  /**
   * Props of the nginx chart.
   * @default - the sandbox's nginx Deployment
   */
  readonly nginx?: NginxChartProps;
}

/** The charts of the sandbox, by the file each one writes in dist/. */
export interface SandboxCharts {
  /** dist/fib-client.k8s.yaml */
  readonly fibClient: FibClientChart;
  /** dist/nginx.k8s.yaml */
  readonly nginx: NginxChart;
}

const SANDBOX_PROP_RULES: PropRules<SandboxProps> = {
  fibClient: { type: 'object', allowed: 'an object of FibClientChart props' },
  nginx: { type: 'object', allowed: 'an object of NginxChart props' },
};

/** Adds the sandbox's charts to `app`: what `cdk8s synth` writes into dist/. */
export function addSandboxCharts(app: App, props: SandboxProps = {}): SandboxCharts {
  validateProps('addSandboxCharts', props, SANDBOX_PROP_RULES);
  return {
    fibClient: new FibClientChart(app, 'fib-client', props.fibClient),
    nginx: new NginxChart(app, 'nginx', props.nginx),
  };
}
