// The charts of the sandbox, one file in dist/ each, and the one function that adds them to an
// app: main.ts and the tests both call it, so the tests test what `cdk8s synth` writes.
import { type App, Chart, type ChartProps } from 'cdk8s';
import { type Construct, Node } from 'constructs';
import { FibClient, type FibClientProps } from './fib-client';
import { NginxDeployment, type NginxDeploymentProps } from './nginx';
import { LABELS_RULE, NAMESPACE_RULE } from './names';
import { BOOLEAN_RULE, type PropRules, isPlainObject, readProps, snapshotProps, validateProps } from './props';

const CHART_PROP_RULES: PropRules<ChartProps> = {
  namespace: NAMESPACE_RULE,
  labels: LABELS_RULE,
  disableResourceNameHashes: BOOLEAN_RULE,
};

/**
 * The path that the chart `id` will have under `scope`: a chart reads its props before its
 * super call, which puts it in the tree. (constructs writes a `/` in an id as `--`; such an id
 * is named as given.)
 */
function chartPath(scope: Construct, id: string): string {
  const scopePath = Node.of(scope).path;
  return scopePath === '' ? id : `${scopePath}${Node.PATH_SEP}${id}`;
}

/**
 * Splits a chart's flat props into the Chart's own, checked here, and the construct's, which
 * the construct checks. Each prop is read once; a name that is neither the Chart's nor the
 * construct's is refused here, with both lists of props. A refusal carries `path`, the chart's.
 */
function splitProps<P extends object>(
  chart: string,
  path: string,
  props: unknown,
  constructPropNames: readonly string[],
): [ChartProps, P] {
  const snapshot = snapshotProps(chart, props, [...Object.keys(CHART_PROP_RULES), ...constructPropNames], path);
  // The labels are copied before they are checked, each key and value read once: the check and
  // the chart see the same copy, whatever a getter or a Proxy answers to a second read. (Only a
  // plain object: LABELS_RULE refuses anything else as it was given.)
  if (isPlainObject(snapshot.labels)) {
    snapshot.labels = Object.fromEntries(Object.entries(snapshot.labels));
  }
  validateProps(chart, snapshot, CHART_PROP_RULES, path);
  const { namespace, labels, disableResourceNameHashes, ...constructProps } = snapshot as ChartProps;
  return [{ namespace, labels, disableResourceNameHashes }, constructProps as P];
}

/**
 * Props for {@link FibClientChart}: the Chart's and the FibClient's, side by side (flat).
 * The chart's `namespace` must be a DNS-1123 label and its `labels` a plain object of valid
 * label keys and values (a `Map` is refused, not ignored). The labels go on every object of the
 * chart and on the pods of the nginx Deployment; labels that would make a selector of one
 * construct select another's pods (`app: nginx` on the fib-client chart: nginx's Deployment,
 * PodDisruptionBudget and NetworkPolicy would select the fib-client Pod) fail the synth, as the
 * constructs refuse them in any chart: use another key, such as `app.kubernetes.io/part-of`.
 */
export interface FibClientChartProps extends ChartProps, FibClientProps {}

/** The fib-client Pod and its NodePort Service. */
export class FibClientChart extends Chart {
  /** The chart's FibClient: its `pod` and `service` take the changes no prop makes. */
  public readonly fibClient: FibClient;

  /**
   * Writes `dist/<id>.k8s.yaml` at synth.
   * @throws {@link PropsError} when a prop is neither the Chart's nor the construct's (the message
   * lists both) or when `namespace` or `labels` is not allowed, with the chart's path as its
   * `constructPath`; or when the construct refuses its props, with the construct's path.
   */
  constructor(scope: Construct, id: string, props: FibClientChartProps = {}) {
    const [chartProps, fibClientProps] = splitProps<FibClientProps>(
      'FibClientChart',
      chartPath(scope, id),
      props,
      FibClient.propNames,
    );
    super(scope, id, chartProps);
    this.fibClient = new FibClient(this, 'fib-client', fibClientProps);
  }
}

/**
 * Props for {@link NginxChart}: the Chart's and the NginxDeployment's, side by side (flat).
 * The chart's `namespace` must be a DNS-1123 label and its `labels` a plain object of valid
 * label keys and values (a `Map` is refused, not ignored). The labels go on every object of the
 * chart and on the pods of the nginx Deployment; labels that would make a selector of one
 * construct select another's pods (`app: nginx` on the fib-client chart: nginx's Deployment,
 * PodDisruptionBudget and NetworkPolicy would select the fib-client Pod) fail the synth, as the
 * constructs refuse them in any chart: use another key, such as `app.kubernetes.io/part-of`.
 */
export interface NginxChartProps extends ChartProps, NginxDeploymentProps {}

/** The nginx Deployment. */
export class NginxChart extends Chart {
  /** The chart's NginxDeployment: its `deployment` takes the changes no prop makes. */
  public readonly nginx: NginxDeployment;

  /**
   * Writes `dist/<id>.k8s.yaml` at synth.
   * @throws {@link PropsError} when a prop is neither the Chart's nor the construct's (the message
   * lists both) or when `namespace` or `labels` is not allowed, with the chart's path as its
   * `constructPath`; or when the construct refuses its props, with the construct's path.
   */
  constructor(scope: Construct, id: string, props: NginxChartProps = {}) {
    const [chartProps, nginxProps] = splitProps<NginxDeploymentProps>(
      'NginxChart',
      chartPath(scope, id),
      props,
      NginxDeployment.propNames,
    );
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

/**
 * Adds the sandbox's charts to `app`: what `cdk8s synth` writes into dist/. main.ts and the tests
 * both call it, so the tests test what `cdk8s synth` writes.
 * @throws {@link PropsError} when `props` is not an object of props per chart (`fibClient`,
 * `nginx`), without a `constructPath`, or when a chart refuses its props.
 */
export function addSandboxCharts(app: App, props: SandboxProps = {}): SandboxCharts {
  const charts = readProps('addSandboxCharts', props, SANDBOX_PROP_RULES);
  return {
    fibClient: new FibClientChart(app, 'fib-client', charts.fibClient),
    nginx: new NginxChart(app, 'nginx', charts.nginx),
  };
}
