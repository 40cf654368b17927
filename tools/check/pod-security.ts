// Static check of the Pod Security Standard "restricted" (which includes "baseline") on every pod
// spec in a set of manifests: bare Pods and the pod templates of workloads. Used by the unit
// suite on the synthesized charts and by `npm run check` on dist/; pure and synchronous, so it
// runs in milliseconds. The real-cluster test proves the same against a real API server.
//
// The rules are the Kubernetes Pod Security Standards page and the pod-security-admission code
// (k8s.io/pod-security-admission/policy), for every release from 1.27 (the API the manifests
// target) to the newest the real-cluster test runs: where a release relaxed a rule (more safe
// sysctls, SELinux or volume types) the 1.27 list holds, and a rule added later (no `host` in
// probes, 1.34) holds too. Windows pods, which "restricted" exempts from three controls, and the
// user-namespace relaxation behind a feature gate get no exemption here.

/** One rule a pod spec breaks: where (the field, as a kubectl-style path) and what is wrong. */
export interface PodSecurityViolation {
  /** The object, as `Kind/name`. */
  readonly object: string;
  /** The field, e.g. `spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation`. */
  readonly field: string;
  /** What is wrong, what is allowed, and the control of the standard, e.g. `[Privilege Escalation]`. */
  readonly message: string;
}

// Manifests are arbitrary JSON: every field may be missing or of any type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const ALLOWED_VOLUME_TYPES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];
const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ping_group_range',
  'net.ipv4.tcp_syncookies',
];
const ALLOWED_SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const ALLOWED_PROFILE_TYPES = ['RuntimeDefault', 'Localhost'];
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'];
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];

/** Every violation of "restricted" in the pod specs of `object`; none for an object without pods. */
export function checkPodSecurity(object: Json): PodSecurityViolation[] {
  const name = `${object?.kind}/${object?.metadata?.name}`;
  return podTemplates(object).flatMap((pod) =>
    checkPod(pod).map(({ field, message }) => ({ object: name, field, message })),
  );
}

interface PodTemplate {
  readonly metadata: Json;
  readonly metadataPath: string;
  readonly spec: Json;
  readonly specPath: string;
}

// Where each kind keeps its pod: the kinds pod-security-admission checks.
function podTemplates(object: Json): PodTemplate[] {
  const at = (path: string, template: Json): PodTemplate[] =>
    template?.spec === undefined
      ? []
      : [
          {
            metadata: template.metadata,
            metadataPath: `${path}.metadata`,
            spec: template.spec,
            specPath: `${path}.spec`,
          },
        ];
  switch (object?.kind) {
    case 'Pod':
      return [{ metadata: object.metadata, metadataPath: 'metadata', spec: object.spec ?? {}, specPath: 'spec' }];
    case 'PodTemplate':
      return at('template', object.template);
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
    case 'ReplicationController':
      return at('spec.template', object.spec?.template);
    case 'CronJob':
      return at('spec.jobTemplate.spec.template', object.spec?.jobTemplate?.spec?.template);
    default:
      return [];
  }
}

function checkPod(pod: PodTemplate): { field: string; message: string }[] {
  const found: { field: string; message: string }[] = [];
  const fail = (field: string, message: string, control: string) =>
    found.push({ field, message: `${message} [${control}]` });
  const { spec, specPath: at } = pod;
  const podContext = spec.securityContext ?? {};
  const podContextAt = `${at}.securityContext`;

  for (const namespace of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[namespace] !== undefined && spec[namespace] !== false) {
      fail(`${at}.${namespace}`, `must be unset or false, is ${show(spec[namespace])}`, 'Host Namespaces');
    }
  }
  (spec.volumes ?? []).forEach((volume: Json, index: number) => {
    const type = Object.keys(volume ?? {}).find((key) => key !== 'name') ?? '(none)';
    if (!ALLOWED_VOLUME_TYPES.includes(type)) {
      fail(
        `${at}.volumes[${index}].${type}`,
        `volume ${show(volume?.name)} is a ${type} volume; allowed: ${ALLOWED_VOLUME_TYPES.join(', ')}`,
        type === 'hostPath' ? 'HostPath Volumes' : 'Volume Types',
      );
    }
  });
  (podContext.sysctls ?? []).forEach((sysctl: Json, index: number) => {
    if (!SAFE_SYSCTLS.includes(sysctl?.name)) {
      fail(
        `${podContextAt}.sysctls[${index}].name`,
        `${show(sysctl?.name)} is not a safe sysctl; allowed: ${SAFE_SYSCTLS.join(', ')}`,
        'Sysctls',
      );
    }
  });
  for (const [key, value] of Object.entries(pod.metadata?.annotations ?? {})) {
    if (key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !isAllowedAppArmorAnnotation(value)) {
      fail(
        `${pod.metadataPath}.annotations[${JSON.stringify(key)}]`,
        `must be runtime/default or localhost/<profile>, is ${show(value)}`,
        'AppArmor',
      );
    }
  }
  // Settings that the pod and each container may both make.
  checkSecurityContext(podContext, podContextAt, fail);
  if (podContext.seccompProfile !== undefined && !ALLOWED_PROFILE_TYPES.includes(podContext.seccompProfile?.type)) {
    fail(
      `${podContextAt}.seccompProfile.type`,
      `must be RuntimeDefault or Localhost, is ${show(podContext.seccompProfile?.type)}`,
      'Seccomp',
    );
  }
  if (podContext.runAsNonRoot !== undefined && podContext.runAsNonRoot !== true) {
    fail(`${podContextAt}.runAsNonRoot`, `must be true, is ${show(podContext.runAsNonRoot)}`, 'Running as Non-root');
  }
  const podSeccomp = ALLOWED_PROFILE_TYPES.includes(podContext.seccompProfile?.type);
  const podNonRoot = podContext.runAsNonRoot === true;

  for (const list of CONTAINER_LISTS) {
    (spec[list] ?? []).forEach((container: Json, index: number) => {
      const containerAt = `${at}.${list}[${index}]`;
      const context = container?.securityContext ?? {};
      const contextAt = `${containerAt}.securityContext`;
      checkSecurityContext(context, contextAt, fail);

      if (context.privileged !== undefined && context.privileged !== false) {
        fail(
          `${contextAt}.privileged`,
          `must be unset or false, is ${show(context.privileged)}`,
          'Privileged Containers',
        );
      }
      (container?.ports ?? []).forEach((port: Json, portIndex: number) => {
        if (port?.hostPort !== undefined && port.hostPort !== 0) {
          fail(
            `${containerAt}.ports[${portIndex}].hostPort`,
            `must be unset or 0, is ${show(port.hostPort)}`,
            'Host Ports',
          );
        }
      });
      if (context.procMount !== undefined && context.procMount !== 'Default') {
        fail(`${contextAt}.procMount`, `must be unset or Default, is ${show(context.procMount)}`, '/proc Mount Type');
      }
      for (const [handlerAt, handler] of probeAndLifecycleHandlers(container, containerAt)) {
        if (handler?.host !== undefined && handler.host !== '') {
          fail(`${handlerAt}.host`, `must be unset or empty, is ${show(handler.host)}`, 'Probes and Lifecycle Hooks');
        }
      }

      if (context.allowPrivilegeEscalation !== false) {
        fail(
          `${contextAt}.allowPrivilegeEscalation`,
          `must be false, is ${show(context.allowPrivilegeEscalation)}`,
          'Privilege Escalation',
        );
      }
      if (context.runAsNonRoot === undefined ? !podNonRoot : context.runAsNonRoot !== true) {
        fail(
          `${contextAt}.runAsNonRoot`,
          `must be true (or unset with ${podContextAt}.runAsNonRoot true), is ${show(context.runAsNonRoot)}`,
          'Running as Non-root',
        );
      }
      if (
        context.seccompProfile === undefined
          ? !podSeccomp
          : !ALLOWED_PROFILE_TYPES.includes(context.seccompProfile?.type)
      ) {
        fail(
          `${contextAt}.seccompProfile.type`,
          `must be RuntimeDefault or Localhost (or unset with ${podContextAt}.seccompProfile.type one of them), ` +
            `is ${show(context.seccompProfile?.type)}`,
          'Seccomp',
        );
      }
      const capabilities = context.capabilities ?? {};
      if (!(capabilities.drop ?? []).includes('ALL')) {
        fail(`${contextAt}.capabilities.drop`, `must include ALL, is ${show(capabilities.drop)}`, 'Capabilities');
      }
      (capabilities.add ?? []).forEach((capability: Json, capabilityIndex: number) => {
        if (capability !== 'NET_BIND_SERVICE') {
          fail(
            `${contextAt}.capabilities.add[${capabilityIndex}]`,
            `only NET_BIND_SERVICE may be added, is ${show(capability)}`,
            'Capabilities',
          );
        }
      });
    });
  }
  return found;
}

// The rules a pod-level and a container-level securityContext share.
function checkSecurityContext(
  context: Json,
  at: string,
  fail: (field: string, message: string, control: string) => void,
): void {
  if (context.windowsOptions?.hostProcess !== undefined && context.windowsOptions.hostProcess !== false) {
    fail(
      `${at}.windowsOptions.hostProcess`,
      `must be unset or false, is ${show(context.windowsOptions.hostProcess)}`,
      'HostProcess',
    );
  }
  if (context.runAsUser === 0) {
    fail(`${at}.runAsUser`, 'must not be 0 (root)', 'Running as Non-root user');
  }
  const seLinux = context.seLinuxOptions ?? {};
  if (seLinux.type !== undefined && !ALLOWED_SELINUX_TYPES.includes(seLinux.type)) {
    fail(
      `${at}.seLinuxOptions.type`,
      `must be unset, empty, container_t, container_init_t or container_kvm_t, is ${show(seLinux.type)}`,
      'SELinux',
    );
  }
  for (const field of ['user', 'role']) {
    if (seLinux[field] !== undefined && seLinux[field] !== '') {
      fail(`${at}.seLinuxOptions.${field}`, `must be unset or empty, is ${show(seLinux[field])}`, 'SELinux');
    }
  }
  if (context.appArmorProfile !== undefined && !ALLOWED_PROFILE_TYPES.includes(context.appArmorProfile?.type)) {
    fail(
      `${at}.appArmorProfile.type`,
      `must be RuntimeDefault or Localhost, is ${show(context.appArmorProfile?.type)}`,
      'AppArmor',
    );
  }
}

function probeAndLifecycleHandlers(container: Json, at: string): [string, Json][] {
  const handlers: [string, Json][] = [];
  for (const probe of PROBES) {
    for (const kind of ['httpGet', 'tcpSocket']) {
      handlers.push([`${at}.${probe}.${kind}`, container?.[probe]?.[kind]]);
    }
  }
  for (const hook of ['postStart', 'preStop']) {
    for (const kind of ['httpGet', 'tcpSocket']) {
      handlers.push([`${at}.lifecycle.${hook}.${kind}`, container?.lifecycle?.[hook]?.[kind]]);
    }
  }
  return handlers;
}

function isAllowedAppArmorAnnotation(value: unknown): boolean {
  return value === '' || value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/'));
}

function show(value: unknown): string {
  return value === undefined ? 'unset' : JSON.stringify(value);
}
