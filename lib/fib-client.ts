// FibClient: the sandbox's fib-client web app, a Pod and the NodePort Service that exposes it.
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { removeDroppedDefaults } from './api-defaults';
import type { KubeNetworkPolicy } from '../imports/k8s';
import { kubeScoreIgnore } from './kube-score';
import { addServedPortNetworkPolicy } from './network-policy';
import { restrictedNginxWorkload } from './restricted-nginx';
import { RestrictedPod } from './restricted-pod';
import { checkUniqueObjects } from './unique-objects';
import { guardSelectors } from './selector-guard';
import { IMAGE_RULE } from './image-reference';
import { LABEL_VALUE_RULE, nameRule } from './names';
import { NODE_PORT_RULE, PORT_RULE } from './numbers';
import { BOOLEAN_RULE, type PropRules, readProps } from './props';

const POD_SUFFIX = '-pod';
const SERVICE_SUFFIX = '-node-port';
const NETWORK_POLICY_SUFFIX = '-netpol';
// Published only as `latest`: there is no tag to pin.
const DEFAULT_IMAGE = 'rgederin/fib-client-standalone-k8s';

/** Props for {@link FibClient}. */
export interface FibClientProps {
  /**
   * Base of the object names: the Pod is `${name}-pod`, the Service `${name}-node-port`, the
   * NetworkPolicy `${name}-netpol`; also the value of the instance label
   * `app.kubernetes.io/instance`. A DNS-1035 label, short enough that every object name made from it stays a valid
   * 63-character label.
   * @default 'fib-client'
   */
  readonly name?: string;
  /**
   * Image of the web app, an nginx serving a static build. A reference the kubelet can parse before it pulls (`ParseNormalizedNamed` of
   * `github.com/distribution/reference`): an optional registry host and `/`, a repository path of
   * lowercase components of at most 255 characters (Docker Hub's `library/` counted), an optional
   * `:tag` and an optional digest, which must be `sha256` with exactly 64 lowercase hex digits
   * (`sha384` 96, `sha512` 128); a name of 64 hex digits alone is refused. The default is
   * published only as `latest` (the Pod tells kube-score so); another image should pin a tag: one
   * without, or `latest`, fails kube-score's `container-image-tag` in `npm run check`.
   * @default 'rgederin/fib-client-standalone-k8s'
   */
  readonly image?: string;
  /**
   * Value of the `component` label on the Pod, which the Service and the NetworkPolicy select
   * together with the instance label `app.kubernetes.io/instance: ${name}`. A label value: at
   * most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit, or empty.
   * @default 'web'
   */
  readonly component?: string;
  /**
   * The port the web app listens on in the container; also the Service's targetPort. An integer in 1-65535.
   * @default 3000
   */
  readonly containerPort?: number;
  /**
   * The Service's port inside the cluster. An integer in 1-65535.
   * @default 3050
   */
  readonly servicePort?: number;
  /**
   * The port opened on every node, in the API server's NodePort range: an integer in 30000-32767.
   * @default 31515
   */
  readonly nodePort?: number;
  /**
   * Create the NetworkPolicy `${name}-netpol`, which admits traffic to the Pod on
   * `containerPort` (TCP) only and lets it open no connection. Turn it off for an image that
   * connects out. `true` or `false` (the string `'false'` is refused, not taken as off). Turned off,
   * the Pod carries kube-score's `kube-score/ignore: pod-networkpolicy`, so that `npm run check`
   * records the choice instead of failing on the Pod without a NetworkPolicy.
   * @default true
   */
  readonly networkPolicy?: boolean;
}

const PROP_RULES: PropRules<FibClientProps> = {
  name: nameRule([POD_SUFFIX, SERVICE_SUFFIX, NETWORK_POLICY_SUFFIX]),
  image: IMAGE_RULE,
  component: LABEL_VALUE_RULE,
  containerPort: PORT_RULE,
  servicePort: PORT_RULE,
  nodePort: NODE_PORT_RULE,
  networkPolicy: BOOLEAN_RULE,
};

/**
 * The label that tells FibClients apart: `component` alone is the same on every FibClient that
 * keeps the default, so their Services and NetworkPolicies would select each other's Pods.
 * Kubernetes' recommended label for "a unique name identifying the instance of an application";
 * not `app`, which NginxDeployment selects by (its ReplicaSet would adopt a bare Pod it matches).
 */
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/**
 * The fib-client Pod (labels `component: web` and `app.kubernetes.io/instance: fib-client`) and
 * a NodePort Service that selects it.
 */
export class FibClient extends Construct {
  /** The props a FibClient takes. */
  public static readonly propNames: readonly string[] = Object.keys(PROP_RULES);
  /** The label keys its Service and NetworkPolicy select the Pod by. */
  public static readonly selectorLabelKeys: readonly string[] = ['component', INSTANCE_LABEL];

  /** The Pod running the web app. */
  public readonly pod: kplus.Pod;
  /** The NodePort Service in front of the Pod. */
  public readonly service: kplus.Service;
  /** The NetworkPolicy, unless the `networkPolicy` prop is false. */
  public readonly networkPolicy?: KubeNetworkPolicy;

  /**
   * Creates the Pod, the Service and, unless turned off, the NetworkPolicy; each prop is read
   * once, checked, and only the checked value used.
   * @throws {@link PropsError} when a prop is not what it allows, or is not a prop of this construct (a
   * typo such as `nodeport`; every enumerable name the props object has, own or inherited, is
   * checked): the message names the prop, what is allowed and the value received, e.g.
   * `FibClient: nodePort must be an integer in 30000-32767 (got 80); ...`.
   * @throws Error when another object of the app has the same API group, kind, namespace and
   * name, or another Service the same nodePort (found once per synth, naming both construct paths);
   * or when labels that its pods or another construct's inherit from their chart make a selector
   * of one select the other's pods (found once per synth, naming both objects' paths, the selector
   * and the labels).
   * @throws {@link PropsError} when its chart's labels give another value to a label its pods are
   * selected by, with the construct's path.
   */
  constructor(scope: Construct, id: string, props: FibClientProps = {}) {
    super(scope, id);
    // From here on, props is what was read and checked: a plain object of the props that are set.
    props = readProps('FibClient', props, PROP_RULES, this.node.path);
    checkUniqueObjects(this);
    const name = props.name ?? 'fib-client';
    const image = props.image ?? DEFAULT_IMAGE;
    const component = props.component ?? 'web';
    const containerPort = props.containerPort ?? 3000;
    const servicePort = props.servicePort ?? 3050;
    const nodePort = props.nodePort ?? 31515;
    const networkPolicy = props.networkPolicy ?? true;

    const labels = { component, [INSTANCE_LABEL]: name };
    guardSelectors('FibClient', this, labels);

    this.pod = restrictedNginxWorkload(
      RestrictedPod,
      this,
      'pod',
      { metadata: { name: `${name}${POD_SUFFIX}`, labels } },
      {
        name,
        image,
        containerPort,
        kubeScoreIgnore: [
          // kube-score wants a pinned tag; this image has none but `latest`.
          ...(image === DEFAULT_IMAGE ? ['container-image-tag'] : []),
          // Turned off on purpose (the prop): the Pod says so to kube-score rather than failing it.
          ...(networkPolicy ? [] : ['pod-networkpolicy']),
        ],
      },
    );

    this.service = new kplus.Service(this, 'service', {
      // kube-score advises against NodePort Services; exposing the app on every node's port is
      // the point of this one.
      metadata: { name: `${name}${SERVICE_SUFFIX}`, labels, annotations: kubeScoreIgnore(['service-type']) },
      type: kplus.ServiceType.NODE_PORT,
      ports: [{ name: 'http', port: servicePort, targetPort: containerPort, nodePort }],
    });
    // By label, not by construct: the selector is what users and kubectl rely on.
    for (const [key, value] of Object.entries(labels)) {
      this.service.selectLabel(key, value);
    }
    removeDroppedDefaults(this.service);

    if (networkPolicy) {
      this.networkPolicy = addServedPortNetworkPolicy(this, 'netpol', {
        name: `${name}${NETWORK_POLICY_SUFFIX}`,
        podLabels: labels,
        port: containerPort,
      });
    }
  }
}
