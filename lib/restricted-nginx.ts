// How both sandbox images run in a restricted workload (restricted-pod.ts).
//
// nginx:1.14.2 and rgederin/fib-client-standalone-k8s (a static web app served by the
// official nginx image) start the nginx master as root by default, write a pid file to
// /var/run and temp files to /var/cache/nginx, and serve on one TCP port. The workload runs
// them as a non-root user with a read-only root filesystem; what nginx needs besides (writable
// paths, a port below 1024, probes, a pull policy for a pinned tag) is chosen here.
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { removeDroppedDefaults } from './api-defaults';
import { kubeScoreIgnore } from './kube-score';
import { RestrictedDeployment, RestrictedPod } from './restricted-pod';
import { parseImageReference } from './image-reference';

// The paths nginx writes to. With a read-only root filesystem each one is an emptyDir.
const WRITABLE_PATHS = [
  { id: 'cache-volume', name: 'nginx-cache', path: '/var/cache/nginx', sizeLimit: Size.mebibytes(64) },
  { id: 'run-volume', name: 'nginx-run', path: '/var/run', sizeLimit: Size.mebibytes(1) },
] as const;

// Ports below this need CAP_NET_BIND_SERVICE unless the pod lowers the threshold (see below).
const FIRST_UNPRIVILEGED_PORT = 1024;

// How long the liveness probe waits for nginx's answer, and how long a container that failed it
// gets to exit before SIGKILL (see addNginxContainer).
const LIVENESS_TIMEOUT = Duration.seconds(2);
const LIVENESS_KILL_GRACE = Duration.seconds(5);

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

/** The props of a restricted nginx workload that its creator sets: the rest is set here. */
type NginxWorkloadProps<P extends kplus.AbstractPodProps> = Omit<P, 'securityContext' | 'containers' | 'volumes'>;

/**
 * Creates a RestrictedPod or a RestrictedDeployment (`workloadClass`, see restricted-pod.ts) that
 * runs one nginx container: probes on the serving port, emptyDir volumes where nginx writes, the
 * sysctl that lets it bind a port below 1024, no construct-address label and no field at a
 * default the API server drops. It is the one way the sandbox creates a workload, so no step can
 * be left out or come in the wrong order.
 */
export function restrictedNginxWorkload(
  workloadClass: typeof RestrictedPod,
  scope: Construct,
  id: string,
  props: NginxWorkloadProps<kplus.PodProps>,
  options: RestrictedNginxOptions,
): RestrictedPod;
export function restrictedNginxWorkload(
  workloadClass: typeof RestrictedDeployment,
  scope: Construct,
  id: string,
  props: NginxWorkloadProps<kplus.DeploymentProps>,
  options: RestrictedNginxOptions,
): RestrictedDeployment;
export function restrictedNginxWorkload(
  workloadClass: typeof RestrictedPod | typeof RestrictedDeployment,
  scope: Construct,
  id: string,
  props: NginxWorkloadProps<kplus.PodProps> | NginxWorkloadProps<kplus.DeploymentProps>,
  options: RestrictedNginxOptions,
): RestrictedPod | RestrictedDeployment {
  const { image, containerPort } = options;
  const { metadata } = props;
  const ignored = kubeScoreIgnore([...nginxKubeScoreExceptions(image), ...(options.kubeScoreIgnore ?? [])]);
  const annotations = ignored === undefined ? metadata?.annotations : { ...metadata?.annotations, ...ignored };
  const workload = new workloadClass(scope, id, {
    ...props,
    metadata: { ...metadata, annotations },
    securityContext: { sysctls: unprivilegedPortSysctls(containerPort) },
  });
  // The pod template of a Deployment is at /spec/template; a Pod is its own.
  const podPath = workload instanceof kplus.Deployment ? '/spec/template' : '';
  addNginxContainer(workload, options, `${podPath}/spec`);
  removeAddressLabel(workload, `${podPath}/metadata`);
  removeDroppedDefaults(workload);
  return workload;
}

/**
 * A non-root nginx with every capability dropped cannot bind a port below 1024. This namespaced
 * sysctl is on the kubelet's safe list and allowed by "restricted", so the pod keeps its port
 * (80 for nginx:1.14.2) without adding NET_BIND_SERVICE.
 */
function unprivilegedPortSysctls(containerPort: number): kplus.Sysctl[] {
  return containerPort < FIRST_UNPRIVILEGED_PORT
    ? [{ name: 'net.ipv4.ip_unprivileged_port_start', value: String(containerPort) }]
    : [];
}

/**
 * Adds the nginx container to `workload`: its port, probes on it and emptyDir volumes where
 * nginx writes. The workload gives it the restricted settings and its resources, which fit
 * nginx serving static files (a few MiB per worker, room for worker_processes auto).
 */
function addNginxContainer(workload: kplus.AbstractPod, options: RestrictedNginxOptions, podSpecPath: string): void {
  const { name, image, containerPort } = options;
  const container = workload.addContainer({
    name,
    image,
    imagePullPolicy: defaultPullPolicy(image),
    ports: [{ number: containerPort, name: 'http' }],
    // nginx starts in well under a second; the startup probe gives a slow node 30 s.
    startup: kplus.Probe.fromTcpSocket({
      port: containerPort,
      periodSeconds: Duration.seconds(1),
      failureThreshold: 30,
    }),
    // Ready once nginx answers HTTP. Alive while it answers HTTP within LIVENESS_TIMEOUT: a hung
    // nginx (its processes stopped, not dead) still completes TCP handshakes through the
    // kernel's listen backlog, so a TCP probe passes until that backlog is full, which an idle
    // server never reaches (kit/lab/e2e/faults.test.ts freezes the container and measures this).
    // A slow page fails readiness first (every 5 s) and takes the pod out of the Service before
    // three missed liveness probes restart it.
    readiness: kplus.Probe.fromHttpGet('/', { port: containerPort, periodSeconds: Duration.seconds(5) }),
    liveness: kplus.Probe.fromHttpGet('/', {
      port: containerPort,
      periodSeconds: Duration.seconds(10),
      timeoutSeconds: LIVENESS_TIMEOUT,
      failureThreshold: 3,
    }),
  });
  for (const writable of WRITABLE_PATHS) {
    const volume = kplus.Volume.fromEmptyDir(workload, writable.id, writable.name, {
      sizeLimit: writable.sizeLimit,
    });
    container.mount(writable.path, volume);
  }
  // A container that failed its liveness probe is hung and will not act on SIGTERM (a frozen one
  // cannot even receive it): kill it after LIVENESS_KILL_GRACE rather than the pod's 30 s, so it
  // serves again sooner. cdk8s-plus-27's Probe has no terminationGracePeriodSeconds. The nginx
  // container is the workload's first: it is added here, before anyone else can add one.
  ApiObject.of(workload).addJsonPatch(
    JsonPatch.add(
      `${podSpecPath}/containers/0/livenessProbe/terminationGracePeriodSeconds`,
      LIVENESS_KILL_GRACE.toSeconds(),
    ),
  );
}

/**
 * The kube-score checks that a restricted nginx container running `image` contradicts on
 * purpose, for its `kube-score/ignore` annotation.
 */
function nginxKubeScoreExceptions(image: string): string[] {
  // kube-score wants imagePullPolicy Always so that imagePullSecrets are checked on every
  // start. A pinned tag does not move and these public images need no secret: IfNotPresent,
  // Kubernetes' own default for a pinned tag, lets a pod start on a node that is offline.
  const pullPolicy =
    defaultPullPolicy(image) === kplus.ImagePullPolicy.IF_NOT_PRESENT ? ['container-image-pull-policy'] : [];
  // kube-score fears that a liveness probe asking what readiness asks restarts a pod that is
  // only slow. Both ask `GET /` on purpose, as nginx has no cheaper page, but liveness waits
  // longer (LIVENESS_TIMEOUT, not readiness's 1 s) three times 10 s apart: a slow nginx leaves the
  // Service through readiness and stays up; only a hung one, which no TCP probe notices, is
  // restarted.
  return [...pullPolicy, 'pod-probes-identical'];
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
