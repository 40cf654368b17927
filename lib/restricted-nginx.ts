// How both sandbox images run under the Pod Security Standard "restricted".
//
// nginx:1.14.2 and rgederin/fib-client-standalone-k8s (a static web app served by the
// official nginx image) start the nginx master as root by default, write a pid file to
// /var/run and temp files to /var/cache/nginx, and serve on one TCP port. cdk8s-plus-27's
// defaults (runAsNonRoot with no user, 1 CPU and 512Mi requested, imagePullPolicy Always, a
// startup probe only) refuse to start them or leave them Pending on a laptop cluster, so
// each setting is chosen here instead.
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { removeDroppedDefaults } from './api-defaults';
import { Quantity } from '../imports/k8s';
import { kubeScoreIgnore } from './kube-score';
import { parseImageReference } from './validation';

// Not the image's own nginx user (uid 101): kube-score asks for a UID and GID above 10000 so
// they cannot match a host account. nginx needs no passwd entry when started unprivileged (it
// then ignores its `user` directive), reads only world-readable files and writes only to the
// emptyDir volumes below, which fsGroup makes group-writable.
export const NGINX_UID = 10101;

// The paths nginx writes to. With a read-only root filesystem each one is an emptyDir.
const WRITABLE_PATHS = [
  { id: 'cache-volume', name: 'nginx-cache', path: '/var/cache/nginx', sizeLimit: Size.mebibytes(64) },
  { id: 'run-volume', name: 'nginx-run', path: '/var/run', sizeLimit: Size.mebibytes(1) },
] as const;

// Ports below this need CAP_NET_BIND_SERVICE unless the pod lowers the threshold (see below).
const FIRST_UNPRIVILEGED_PORT = 1024;

// Local disk per container. The kubelet charges a pod's emptyDir volumes (65Mi at most, above)
// and the container logs it keeps (5 files of 10Mi by default) to the sum of its containers'
// limits and evicts the pod past it; the root filesystem is read-only. nginx serving static
// files uses a few MiB of that.
const EPHEMERAL_STORAGE = { request: '32Mi', limit: '128Mi' } as const;

/** What differs between the sandbox's nginx workloads. */
export interface RestrictedNginxOptions {
  /** Container name. */
  readonly name: string;
  /** Image reference. */
  readonly image: string;
  /** The port nginx listens on inside the container. */
  readonly containerPort: number;
  /**
   * kube-score checks the caller contradicts on purpose, besides those that follow from the
   * image (see nginxKubeScoreExceptions); the caller says why beside each.
   * @default - none
   */
  readonly kubeScoreIgnore?: readonly string[];
}

/**
 * Creates a Pod or a Deployment (`workloadClass`) that runs one nginx container under Pod
 * Security "restricted": the pod security settings, the container with small explicit
 * resources, probes on the serving port and emptyDir volumes where nginx writes, what
 * cdk8s-plus-27 cannot say (seccompProfile, `capabilities: drop: [ALL]`, ephemeral storage),
 * no construct-address label and no field at a default the API server drops. It is the one way
 * the sandbox creates a workload, so no step can be left out or come in the wrong order.
 */
export function restrictedNginxWorkload<C extends typeof kplus.Pod | typeof kplus.Deployment>(
  workloadClass: C,
  scope: Construct,
  id: string,
  props: Omit<NonNullable<ConstructorParameters<C>[2]>, 'securityContext' | 'containers' | 'volumes'>,
  options: RestrictedNginxOptions,
): InstanceType<C> {
  const { image, containerPort } = options;
  const metadata = (props as kplus.AbstractPodProps).metadata;
  const ignored = kubeScoreIgnore([...nginxKubeScoreExceptions(image), ...(options.kubeScoreIgnore ?? [])]);
  const annotations = ignored === undefined ? metadata?.annotations : { ...metadata?.annotations, ...ignored };
  // TypeScript cannot call a union of constructors; either one takes the props of its kind.
  const construct = workloadClass as unknown as new (
    scope: Construct,
    id: string,
    props: kplus.AbstractPodProps,
  ) => InstanceType<C>;
  const workload = new construct(scope, id, {
    ...props,
    metadata: { ...metadata, annotations },
    securityContext: restrictedNginxPodSecurity(containerPort),
  });
  addRestrictedNginxContainer(workload, options);
  // The pod template of a Deployment is at /spec/template; a Pod is its own.
  const podPath = workload instanceof kplus.Deployment ? '/spec/template' : '';
  addRestrictedEscapeHatches(workload, `${podPath}/spec`);
  removeAddressLabel(workload, `${podPath}/metadata`);
  removeDroppedDefaults(workload);
  return workload;
}

/** Pod-level security settings for a pod that runs only restricted nginx containers. */
function restrictedNginxPodSecurity(containerPort: number): kplus.PodSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: NGINX_UID,
    group: NGINX_UID,
    fsGroup: NGINX_UID,
    // A non-root nginx with every capability dropped cannot bind a port below 1024. This
    // namespaced sysctl is on the kubelet's safe list and allowed by "restricted", so the pod
    // keeps its port (80 for nginx:1.14.2) without adding NET_BIND_SERVICE.
    sysctls:
      containerPort < FIRST_UNPRIVILEGED_PORT
        ? [{ name: 'net.ipv4.ip_unprivileged_port_start', value: String(containerPort) }]
        : [],
  };
}

/**
 * Adds an nginx container to `workload` with "restricted" security settings, small explicit
 * resources, probes on the serving port and emptyDir volumes where nginx writes.
 */
function addRestrictedNginxContainer(workload: kplus.AbstractPod, options: RestrictedNginxOptions): void {
  const { name, image, containerPort } = options;
  const container = workload.addContainer({
    name,
    image,
    imagePullPolicy: defaultPullPolicy(image),
    ports: [{ number: containerPort, name: 'http' }],
    securityContext: {
      ensureNonRoot: true,
      user: NGINX_UID,
      group: NGINX_UID,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      // capabilities: drop ALL is added by addRestrictedEscapeHatches.
    },
    // nginx serving static files idles at a few MiB per worker; the limits leave room for
    // worker_processes auto on a node with many cores.
    resources: {
      cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(200) },
      memory: { request: Size.mebibytes(32), limit: Size.mebibytes(64) },
    },
    // nginx starts in well under a second; the startup probe gives a slow node 30 s.
    startup: kplus.Probe.fromTcpSocket({
      port: containerPort,
      periodSeconds: Duration.seconds(1),
      failureThreshold: 30,
    }),
    // Ready once nginx answers HTTP; alive while it accepts connections, so a slow page
    // takes the pod out of the Service without restarting it.
    readiness: kplus.Probe.fromHttpGet('/', { port: containerPort, periodSeconds: Duration.seconds(5) }),
    liveness: kplus.Probe.fromTcpSocket({ port: containerPort, periodSeconds: Duration.seconds(10) }),
  });
  for (const writable of WRITABLE_PATHS) {
    const volume = kplus.Volume.fromEmptyDir(workload, writable.id, writable.name, {
      sizeLimit: writable.sizeLimit,
    });
    container.mount(writable.path, volume);
  }
}

/**
 * Adds the settings that cdk8s-plus-27 cannot express: the two of "restricted", seccompProfile
 * RuntimeDefault on the pod and `capabilities: drop: [ALL]` on every container, and every
 * container's ephemeral-storage request and limit. Runs after the containers are added.
 * @param podSpecPath JSON pointer to the pod spec inside the workload's manifest.
 */
function addRestrictedEscapeHatches(workload: kplus.AbstractPod, podSpecPath: string): void {
  const apiObject = ApiObject.of(workload);
  // PodSecurityContextProps has no seccompProfile.
  apiObject.addJsonPatch(JsonPatch.add(`${podSpecPath}/securityContext/seccompProfile`, { type: 'RuntimeDefault' }));
  workload.containers.forEach((_, index) => {
    const container = `${podSpecPath}/containers/${index}`;
    // The Capability enum has no "ALL".
    apiObject.addJsonPatch(JsonPatch.add(`${container}/securityContext/capabilities`, { drop: ['ALL'] }));
    // ContainerResources writes ephemeral storage in whole GiB only. The patched manifest goes
    // through the generated toJson once more, which writes a Quantity's value: patch Quantities.
    apiObject.addJsonPatch(
      JsonPatch.add(
        `${container}/resources/requests/ephemeral-storage`,
        Quantity.fromString(EPHEMERAL_STORAGE.request),
      ),
      JsonPatch.add(`${container}/resources/limits/ephemeral-storage`, Quantity.fromString(EPHEMERAL_STORAGE.limit)),
    );
  });
}

/**
 * The kube-score checks that a restricted nginx container running `image` contradicts on
 * purpose, for its `kube-score/ignore` annotation.
 */
function nginxKubeScoreExceptions(image: string): string[] {
  // kube-score wants imagePullPolicy Always so that imagePullSecrets are checked on every
  // start. A pinned tag does not move and these public images need no secret: IfNotPresent,
  // Kubernetes' own default for a pinned tag, lets a pod start on a node that is offline.
  return defaultPullPolicy(image) === kplus.ImagePullPolicy.IF_NOT_PRESENT ? ['container-image-pull-policy'] : [];
}

/**
 * Kubernetes' own defaulting rule, made explicit (SetDefaults_Container in
 * pkg/apis/core/v1/defaults.go): Always when the image's tag is `latest`, which the kubelet also
 * assumes when the image has neither tag nor digest (`nginx`); IfNotPresent for any other tag or
 * a digest alone. The tag alone decides: `nginx:latest@sha256:...` gets Always, as the API
 * server would give it.
 */
export function defaultPullPolicy(image: string): kplus.ImagePullPolicy {
  const reference = parseImageReference(image);
  const tag = 'error' in reference ? undefined : (reference.tag ?? (reference.digest === undefined ? 'latest' : ''));
  return tag === 'latest' ? kplus.ImagePullPolicy.ALWAYS : kplus.ImagePullPolicy.IF_NOT_PRESENT;
}

/**
 * Removes the construct-address label that cdk8s-plus-27 puts on every pod it creates.
 * @param metadataPath JSON pointer to the pod metadata inside the workload's manifest.
 */
function removeAddressLabel(workload: kplus.AbstractPod, metadataPath: string): void {
  // Nothing here selects by it, and a refactor of the construct tree would change it (and so
  // roll a Deployment's pods).
  ApiObject.of(workload).addJsonPatch(JsonPatch.remove(`${metadataPath}/labels/cdk8s.io~1metadata.addr`));
}
