// NginxDeployment: the sandbox's nginx Deployment.
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  addRestrictedEscapeHatches,
  addRestrictedNginxContainer,
  removeAddressLabel,
  restrictedNginxPodSecurity,
} from './restricted-nginx';
import { validateImage, validateName, validatePort, validateReplicas } from './validation';

const DEPLOYMENT_SUFFIX = '-deployment';

/** Props for {@link NginxDeployment}. */
export interface NginxDeploymentProps {
  /**
   * Base of the names: the Deployment is `${name}-deployment`, its pods are labelled `app: ${name}`.
   * @default 'nginx'
   */
  readonly name?: string;
  /**
   * The nginx image.
   * @default 'nginx:1.14.2'
   */
  readonly image?: string;
  /**
   * Number of nginx pods.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * The port nginx listens on in the container.
   * @default 80
   */
  readonly containerPort?: number;
}

/** A Deployment of nginx pods selected by the label `app: ${name}`. */
export class NginxDeployment extends Construct {
  /** The Deployment. */
  public readonly deployment: kplus.Deployment;

  constructor(scope: Construct, id: string, props: NginxDeploymentProps = {}) {
    super(scope, id);
    const name = props.name ?? 'nginx';
    const image = props.image ?? 'nginx:1.14.2';
    const replicas = props.replicas ?? 2;
    const containerPort = props.containerPort ?? 80;

    validateName('NginxDeployment', name, [DEPLOYMENT_SUFFIX]);
    validateImage('NginxDeployment', image);
    validateReplicas('NginxDeployment', replicas);
    validatePort('NginxDeployment', 'containerPort', containerPort);

    const labels = { app: name };

    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { name: `${name}${DEPLOYMENT_SUFFIX}`, labels },
      replicas,
      // A Deployment's selector is immutable: select by the stable app label, never by the
      // construct address that cdk8s-plus would use by default.
      select: false,
      podMetadata: { labels },
      securityContext: restrictedNginxPodSecurity(containerPort),
    });
    this.deployment.select(kplus.LabelSelector.of({ labels }));
    addRestrictedNginxContainer(this.deployment, { name, image, containerPort });
    addRestrictedEscapeHatches(this.deployment, '/spec/template/spec');
    removeAddressLabel(this.deployment, '/spec/template/metadata');
  }
}
