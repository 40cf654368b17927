// FibClient: the sandbox's fib-client web app, a Pod and the NodePort Service that exposes it.
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  addRestrictedEscapeHatches,
  addRestrictedNginxContainer,
  removeAddressLabel,
  restrictedNginxPodSecurity,
} from './restricted-nginx';
import { validateImage, validateName, validateNodePort, validatePort } from './validation';

const POD_SUFFIX = '-pod';
const SERVICE_SUFFIX = '-node-port';

/** Props for {@link FibClient}. */
export interface FibClientProps {
  /**
   * Base of the object names: the Pod is `${name}-pod`, the Service `${name}-node-port`.
   * @default 'fib-client'
   */
  readonly name?: string;
  /**
   * Image of the web app, an nginx serving a static build.
   * @default 'rgederin/fib-client-standalone-k8s'
   */
  readonly image?: string;
  /**
   * Value of the `component` label on the Pod, which the Service selects.
   * @default 'web'
   */
  readonly component?: string;
  /**
   * The port the web app listens on in the container; also the Service's targetPort.
   * @default 3000
   */
  readonly containerPort?: number;
  /**
   * The Service's port inside the cluster.
   * @default 3050
   */
  readonly servicePort?: number;
  /**
   * The port opened on every node, in the API server's NodePort range.
   * @default 31515
   */
  readonly nodePort?: number;
}

/** The fib-client Pod (label `component: web`) and a NodePort Service that selects it. */
export class FibClient extends Construct {
  /** The Pod running the web app. */
  public readonly pod: kplus.Pod;
  /** The NodePort Service in front of the Pod. */
  public readonly service: kplus.Service;

  constructor(scope: Construct, id: string, props: FibClientProps = {}) {
    super(scope, id);
    const name = props.name ?? 'fib-client';
    const image = props.image ?? 'rgederin/fib-client-standalone-k8s';
    const component = props.component ?? 'web';
    const containerPort = props.containerPort ?? 3000;
    const servicePort = props.servicePort ?? 3050;
    const nodePort = props.nodePort ?? 31515;

    validateName('FibClient', name, [POD_SUFFIX, SERVICE_SUFFIX]);
    validateImage('FibClient', image);
    validatePort('FibClient', 'containerPort', containerPort);
    validatePort('FibClient', 'servicePort', servicePort);
    validateNodePort('FibClient', nodePort);

    const labels = { component };

    this.pod = new kplus.Pod(this, 'pod', {
      metadata: { name: `${name}${POD_SUFFIX}`, labels },
      securityContext: restrictedNginxPodSecurity(containerPort),
    });
    addRestrictedNginxContainer(this.pod, { name, image, containerPort });
    addRestrictedEscapeHatches(this.pod, '/spec');
    removeAddressLabel(this.pod, '/metadata');

    this.service = new kplus.Service(this, 'service', {
      metadata: { name: `${name}${SERVICE_SUFFIX}`, labels },
      type: kplus.ServiceType.NODE_PORT,
      ports: [{ name: 'http', port: servicePort, targetPort: containerPort, nodePort }],
    });
    // By label, not by construct: the selector is what users and kubectl rely on.
    this.service.selectLabel('component', component);
  }
}
