// NginxDeployment: the sandbox's nginx Deployment.
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IntOrString, KubePodDisruptionBudget, type KubeNetworkPolicy } from '../imports/k8s';
import { addServedPortNetworkPolicy } from './network-policy';
import { restrictedNginxWorkload } from './restricted-nginx';
import { RestrictedDeployment } from './restricted-pod';
import { checkUniqueObjects } from './unique-objects';
import { guardSelectors } from './selector-guard';
import { IMAGE_RULE } from './image-reference';
import { nameRule } from './names';
import { PORT_RULE, REPLICAS_RULE } from './numbers';
import { BOOLEAN_RULE, type PropRules, readProps } from './props';

const DEPLOYMENT_SUFFIX = '-deployment';
const PDB_SUFFIX = '-pdb';
const NETWORK_POLICY_SUFFIX = '-netpol';

/** Props for {@link NginxDeployment}. */
export interface NginxDeploymentProps {
  /**
   * Base of the names: the Deployment is `${name}-deployment`, the PodDisruptionBudget
   * `${name}-pdb`, the NetworkPolicy `${name}-netpol`; its pods are labelled `app: ${name}`.
   * A DNS-1035 label, short enough that every object name made from it stays a valid
   * 63-character label.
   * @default 'nginx'
   */
  readonly name?: string;
  /**
   * The nginx image. A reference the kubelet can parse before it pulls (`ParseNormalizedNamed` of
   * `github.com/distribution/reference`): an optional registry host and `/`, a repository path of
   * lowercase components of at most 255 characters (Docker Hub's `library/` counted), an optional
   * `:tag` and an optional digest, which must be `sha256` with exactly 64 lowercase hex digits
   * (`sha384` 96, `sha512` 128); a name of 64 hex digits alone is refused. Pin a tag: one
   * without, or `latest`, fails kube-score's `container-image-tag` in `npm run check`.
   * @default 'nginx:1.14.2'
   */
  readonly image?: string;
  /**
   * Number of nginx pods: an int32 >= 0 (0-2147483647; JavaScript's `-0` is taken as 0, which
   * YAML would otherwise write as `-0`).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * The port nginx listens on in the container. An integer in 1-65535.
   * @default 80
   */
  readonly containerPort?: number;
  /**
   * Create the PodDisruptionBudget `${name}-pdb`, which lets a node drain evict one nginx pod
   * at a time, waiting until its replacement is ready before the next. `true` or `false` (the string `'false'` is refused, not taken as off).
   * Turned off, the Deployment carries kube-score's `kube-score/ignore: deployment-has-poddisruptionbudget`,
   * so that `npm run check` records the choice instead of failing on it.
   * @default true
   */
  readonly podDisruptionBudget?: boolean;
  /**
   * Create the NetworkPolicy `${name}-netpol`, which admits traffic to the pods on
   * `containerPort` (TCP) only and lets them open no connection. Turn it off for an image
   * that connects out, such as an nginx that proxies to a backend. `true` or `false` (the string `'false'` is refused, not taken as off).
   * Turned off, the Deployment carries kube-score's `kube-score/ignore: pod-networkpolicy`, so that
   * `npm run check` records the choice instead of failing on pods without a NetworkPolicy.
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Ask the scheduler to put the pods on different nodes (a preferred pod anti-affinity on
   * `kubernetes.io/hostname`). Preferred, not required: a single-node cluster still runs
   * every replica. `true` or `false` (the string `'false'` is refused, not taken as off). Turned
   * off, the Deployment carries kube-score's `kube-score/ignore: deployment-has-host-podantiaffinity`,
   * so that `npm run check` records the choice instead of warning about it.
   * @default true
   */
  readonly podAntiAffinity?: boolean;
}

const PROP_RULES: PropRules<NginxDeploymentProps> = {
  name: nameRule([DEPLOYMENT_SUFFIX, PDB_SUFFIX, NETWORK_POLICY_SUFFIX]),
  image: IMAGE_RULE,
  replicas: REPLICAS_RULE,
  containerPort: PORT_RULE,
  podDisruptionBudget: BOOLEAN_RULE,
  networkPolicy: BOOLEAN_RULE,
  podAntiAffinity: BOOLEAN_RULE,
};

/** A Deployment of nginx pods selected by the label `app: ${name}`. */
export class NginxDeployment extends Construct {
  /** The props an NginxDeployment takes. */
  public static readonly propNames: readonly string[] = Object.keys(PROP_RULES);
  /** The label keys its Deployment, PodDisruptionBudget and NetworkPolicy select the pods by. */
  public static readonly selectorLabelKeys: readonly string[] = ['app'];

  /** The Deployment, named `${name}-deployment`. */
  public readonly deployment: kplus.Deployment;
  /** The PodDisruptionBudget, unless the `podDisruptionBudget` prop is false. */
  public readonly podDisruptionBudget?: KubePodDisruptionBudget;
  /** The NetworkPolicy, unless the `networkPolicy` prop is false. */
  public readonly networkPolicy?: KubeNetworkPolicy;

  /**
   * Creates the Deployment and, unless turned off, the PodDisruptionBudget and the
   * NetworkPolicy; each prop is read once, checked, and only the checked value used.
   * @throws {@link PropsError} when a prop is not what it allows, or is not a prop of this construct (a
   * typo such as `nodeport`; every enumerable name the props object has, own or inherited, is
   * checked): the message names the prop, what is allowed and the value received, e.g.
   * `NginxDeployment: replicas must be an integer in 0-2147483647 (got -1); ...`.
   * @throws Error when another object of the app has the same API group, kind, namespace and
   * name, or another Service the same nodePort (found once per synth, naming both construct paths);
   * or when labels that its pods or another construct's inherit from their chart make a selector
   * of one select the other's pods (found once per synth, naming both objects' paths, the selector
   * and the labels).
   * @throws {@link PropsError} when its chart's labels give another value to a label its pods are
   * selected by, with the construct's path.
   */
  constructor(scope: Construct, id: string, props: NginxDeploymentProps = {}) {
    super(scope, id);
    // From here on, props is what was read and checked: a plain object of the props that are set.
    props = readProps('NginxDeployment', props, PROP_RULES, this.node.path);
    checkUniqueObjects(this);
    const name = props.name ?? 'nginx';
    const image = props.image ?? 'nginx:1.14.2';
    const replicas = props.replicas ?? 2;
    const containerPort = props.containerPort ?? 80;
    const podDisruptionBudget = props.podDisruptionBudget ?? true;
    const networkPolicy = props.networkPolicy ?? true;
    const podAntiAffinity = props.podAntiAffinity ?? true;

    const labels = { app: name };
    guardSelectors('NginxDeployment', this, labels);

    this.deployment = restrictedNginxWorkload(
      RestrictedDeployment,
      this,
      'deployment',
      {
        metadata: { name: `${name}${DEPLOYMENT_SUFFIX}`, labels },
        replicas,
        // A Deployment's selector is immutable: select by the stable app label, never by the
        // construct address that cdk8s-plus would use by default.
        select: false,
        // cdk8s puts a chart's labels on the objects it holds, not on the pods a Deployment
        // creates: these carry them too, like the bare fib-client Pod.
        podMetadata: { labels: { ...Chart.of(this).labels, ...labels } },
      },
      {
        name,
        image,
        containerPort,
        // A safeguard turned off on purpose (the props): the Deployment says so to kube-score
        // rather than failing its check.
        kubeScoreIgnore: [
          ...(networkPolicy ? [] : ['pod-networkpolicy']),
          ...(podDisruptionBudget ? [] : ['deployment-has-poddisruptionbudget']),
          ...(podAntiAffinity ? [] : ['deployment-has-host-podantiaffinity']),
        ],
      },
    );
    this.deployment.select(kplus.LabelSelector.of({ labels }));

    if (podAntiAffinity) {
      // A weight makes it a preference, not a requirement (see the prop).
      this.deployment.scheduling.separate(kplus.Pods.select(this, 'replicas', { labels }), { weight: 100 });
    }
    if (podDisruptionBudget) {
      // cdk8s-plus-27 has no PodDisruptionBudget: the generated L1 class.
      this.podDisruptionBudget = new KubePodDisruptionBudget(this, 'pdb', {
        metadata: { name: `${name}${PDB_SUFFIX}`, labels },
        spec: {
          selector: { matchLabels: labels },
          maxUnavailable: IntOrString.fromNumber(1),
          // A pod that is not ready serves nothing: evicting it must never block a drain.
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        },
      });
    }
    if (networkPolicy) {
      this.networkPolicy = addServedPortNetworkPolicy(this, 'netpol', {
        name: `${name}${NETWORK_POLICY_SUFFIX}`,
        podLabels: labels,
        port: containerPort,
      });
    }
  }
}
