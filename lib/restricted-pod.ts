// RestrictedPod and RestrictedDeployment: cdk8s-plus-27's Pod and Deployment whose every
// container, however and whenever it is added, runs under the Pod Security Standard "restricted"
// with bounded resources.
//
// cdk8s-plus renders a pod spec at synth, from the containers the workload holds then
// (`_toPodSpec`). The hardening is part of that rendering, so a container added after
// construction (`addContainer`, `addInitContainer`, `attachContainer`, through the construct's
// public `pod` or `deployment`) gets it like the first one. What cdk8s-plus-27 cannot say
// (`capabilities: drop: [ALL]`, seccompProfile, ephemeral storage below 1Gi) is written there too.
// When the chart is synthesized, the rendered pod spec is checked for what the API server or the
// kubelet would refuse in any container however it was added (names, images, mount paths,
// requests above limits), so that such a pod fails synth rather than `kubectl apply`.
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { IMAGE_RULE, parseImageReference } from './image-reference';
import { DNS_1123_LABEL_RULE, isDNS1123Label } from './names';
import { compareQuantities, parseQuantity } from './numbers';
import { received } from './props';
import { addValidationOncePerSynth } from './sandbox-app';

/**
 * The UID and GID every container runs as unless it names its own: explicit, because an image
 * that starts as root fails `runAsNonRoot` without one, and above 10000, as kube-score asks, so
 * it cannot match a host account.
 */
export const RUN_AS_ID = 10101;

/**
 * Resources of a container that names none of its own. Small, so that a pod fits on a laptop
 * cluster, instead of cdk8s-plus-27's 1-1.5 CPU and 512Mi-2Gi; a container that needs more says
 * so with `resources`.
 */
const DEFAULT_RESOURCES = {
  cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(200) },
  memory: { request: Size.mebibytes(32), limit: Size.mebibytes(64) },
} as const satisfies kplus.ContainerResources;

// Local disk of a container that names none. The kubelet charges a pod's emptyDir volumes and
// the container logs it keeps (5 files of 10Mi by default) to the sum of its containers'
// limits and evicts the pod past it; the root filesystem is read-only. cdk8s-plus-27 writes
// ephemeral storage in whole GiB only, so these are written into the rendered spec. A default
// never contradicts what the container names itself: the default limit is raised to its own
// request (`request: 2Gi` alone gets a 2Gi limit), the default request lowered to its own limit.
const DEFAULT_EPHEMERAL_STORAGE = { requests: '32Mi', limits: '128Mi' } as const;

// The one capability "restricted" lets a container add back after dropping ALL.
const ADDABLE_CAPABILITY = 'NET_BIND_SERVICE';

const RESTRICTED_HINT = 'Pod Security "restricted" refuses it';
const BASELINE_HINT = 'Pod Security "baseline" and "restricted" refuse it';
const WRITABLE_HINT = 'mount an emptyDir volume where the container writes';
const RESOURCES_HINT =
  'every container has explicit requests and limits; leave cpu or memory out of `resources` for the defaults';

// TypeScript's mixin pattern: a class expression extending a constructor of `any[]`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type WorkloadClass = abstract new (...args: any[]) => kplus.AbstractPod;

/** Adds the hardening to a cdk8s-plus workload class. */
function restricted<B extends WorkloadClass>(Base: B) {
  abstract class Restricted extends Base {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      const [scope, id, props = {}] = args as [Construct, string, kplus.AbstractPodProps?];
      super(scope, id, {
        ...props,
        securityContext: {
          ...props.securityContext,
          ensureNonRoot: true,
          user: RUN_AS_ID,
          group: RUN_AS_ID,
          fsGroup: RUN_AS_ID,
        },
      });
      // At synth, when every container the pod will hold has been added.
      addValidationOncePerSynth(this, () => podSpecErrors(this._toPodSpec()));
    }

    public override addContainer(props: kplus.ContainerProps): kplus.Container {
      return super.addContainer(withDefaultResources(props));
    }

    /** Every container goes through here, also one made with `new kplus.Container()`. */
    public override attachContainer(container: kplus.Container): void {
      checkContainer(this, 'container', container);
      super.attachContainer(container);
    }

    public override addInitContainer(props: kplus.ContainerProps): kplus.Container {
      const withDefaults = withDefaultResources(props);
      // Checked before cdk8s-plus adds it, as cdk8s-plus will make it, so that a refused init
      // container leaves nothing behind in the pod.
      const name = withDefaults.name ?? `init-${this.initContainers.length}`;
      checkContainer(this, 'init container', new kplus.Container({ ...withDefaults, name }));
      return super.addInitContainer(withDefaults);
    }

    /**
     * cdk8s-plus-27's pod spec, hardened. `_toPodSpec` is @internal in cdk8s-plus-27, whose public
     * API neither renders the pod spec nor writes what the hardening adds: the exact pin of
     * cdk8s-plus-27 (2.9.5, package.json) guards this override. `npm run typecheck` fails when an
     * upgrade removes the member, test/restricted-pod.test.ts when it changes how a Pod and a
     * Deployment render their pod spec with it.
     * @internal
     */
    public override _toPodSpec(): kplus.k8s.PodSpec {
      const spec = super._toPodSpec();
      const podSecurity = spec.securityContext;
      const harden = (container: kplus.k8s.Container) => hardenContainer(container, podSecurity);
      return {
        ...spec,
        // PodSecurityContextProps has no seccompProfile.
        securityContext: { ...podSecurity, seccompProfile: { type: 'RuntimeDefault' } },
        containers: spec.containers.map(harden),
        initContainers: spec.initContainers?.map(harden),
      };
    }
  }
  return Restricted;
}

/**
 * The pod security settings a restricted workload leaves to its creator; the user, group and
 * fsGroup are RUN_AS_ID, and a container may name another non-root user.
 */
export type RestrictedPodSecurityProps = Pick<kplus.PodSecurityContextProps, 'sysctls' | 'fsGroupChangePolicy'>;

/** Props of a restricted workload: those of its cdk8s-plus-27 class, with fewer security settings. */
export type RestrictedProps<P extends kplus.AbstractPodProps> = Omit<P, 'securityContext'> & {
  /**
   * The pod security settings besides the user and group.
   * @default - none
   */
  readonly securityContext?: RestrictedPodSecurityProps;
};

/** A cdk8s-plus-27 Pod whose every container runs under "restricted" with bounded resources. */
export class RestrictedPod extends restricted(kplus.Pod) {
  constructor(scope: Construct, id: string, props: RestrictedProps<kplus.PodProps> = {}) {
    super(scope, id, props);
  }
}

/** A cdk8s-plus-27 Deployment whose every container runs under "restricted" with bounded resources. */
export class RestrictedDeployment extends restricted(kplus.Deployment) {
  constructor(scope: Construct, id: string, props: RestrictedProps<kplus.DeploymentProps> = {}) {
    super(scope, id, props);
  }
}

/** `props` with DEFAULT_RESOURCES for the cpu and memory it leaves out. */
function withDefaultResources(props: kplus.ContainerProps): kplus.ContainerProps {
  return {
    ...props,
    resources: {
      ...props.resources,
      cpu: props.resources?.cpu ?? DEFAULT_RESOURCES.cpu,
      memory: props.resources?.memory ?? DEFAULT_RESOURCES.memory,
    },
  };
}

/**
 * Refuses a container whose own settings are weaker than the hardening: the hardening never
 * silently overrides what a user wrote, and a container that needs more (root, a writable root
 * filesystem, a capability) does not belong in a "restricted" pod.
 */
function checkContainer(workload: kplus.AbstractPod, kind: string, container: kplus.Container): void {
  const where = workload.node.path;
  const what = `${kind} '${container.name}'`;
  const security = container.securityContext;
  if (security.privileged) {
    refuse(where, what, 'securityContext.privileged', 'false or unset', true, BASELINE_HINT);
  }
  if (security.allowPrivilegeEscalation === true) {
    refuse(where, what, 'securityContext.allowPrivilegeEscalation', 'false or unset', true, RESTRICTED_HINT);
  }
  if (!security.ensureNonRoot) {
    refuse(where, what, 'securityContext.ensureNonRoot', 'true or unset', security.ensureNonRoot, RESTRICTED_HINT);
  }
  if (security.user === 0) {
    refuse(where, what, 'securityContext.user', 'a UID other than 0', 0, RESTRICTED_HINT);
  }
  if (!security.readOnlyRootFilesystem) {
    refuse(where, what, 'securityContext.readOnlyRootFilesystem', 'true or unset', false, WRITABLE_HINT);
  }
  const added: readonly string[] = security.capabilities?.add ?? [];
  if (added.some((capability) => capability !== ADDABLE_CAPABILITY)) {
    refuse(
      where,
      what,
      'securityContext.capabilities.add',
      `empty or ['${ADDABLE_CAPABILITY}']`,
      added,
      RESTRICTED_HINT,
    );
  }
  const resources = container.resources ?? {};
  for (const [name, given] of [
    ['cpu', resources.cpu],
    ['memory', resources.memory],
  ] as const) {
    for (const bound of ['request', 'limit'] as const) {
      if (given?.[bound] === undefined) {
        refuse(where, what, `resources.${name}.${bound}`, 'set', given, RESOURCES_HINT);
      }
    }
  }
}

/** Throws the message of a setting the hardening refuses, and why or how to fix it. */
function refuse(where: string, what: string, field: string, allowed: string, value: unknown, hint: string): never {
  throw new Error(`${where}: ${what}: ${field} must be ${allowed} (got ${received(value)}); ${hint}`);
}

/**
 * What the API server or the kubelet would refuse in the rendered pod spec `spec`, one message
 * per finding, each naming the container and the rule.
 */
function podSpecErrors(spec: kplus.k8s.PodSpec): string[] {
  const errors: string[] = [];
  // The API server wants every name unique among containers and init containers together.
  const named = new Map<string, string>();
  const all = [
    ...spec.containers.map((container, i) => ({ container, at: `containers[${i}]`, kind: 'container' })),
    ...(spec.initContainers ?? []).map((container, i) => ({
      container,
      at: `initContainers[${i}]`,
      kind: 'init container',
    })),
  ];
  for (const { container, at, kind } of all) {
    const what = `${kind} '${container.name}'`;
    const first = named.get(container.name);
    if (first === undefined) {
      named.set(container.name, at);
    } else {
      errors.push(
        `${at}: name must be unique among the pod's containers and init containers (got ` +
          `${received(container.name)}, the name of ${first}); give each container its own \`name\`` +
          (container.name === 'main' ? " (cdk8s-plus names a container added without one 'main')" : ''),
      );
    }
    if (!isDNS1123Label(container.name)) {
      errors.push(
        `${what}: name must be ${DNS_1123_LABEL_RULE.allowed} (got ${received(container.name)}); ` +
          'the API server refuses any other container name',
      );
    }
    const image = container.image ?? '';
    const reference = parseImageReference(image);
    if ('error' in reference) {
      errors.push(
        `${what}: image must be ${IMAGE_RULE.allowed} (got ${received(image)}); ` +
          `the kubelet would refuse it: ${reference.error}`,
      );
    }
    errors.push(...mountPathErrors(what, container), ...requestErrors(what, container));
  }
  return errors;
}

/** The mount paths the API server refuses in one container: empty, or one path twice. */
function mountPathErrors(what: string, container: kplus.k8s.Container): string[] {
  const errors: string[] = [];
  const mounted = new Map<string, string>();
  for (const { mountPath, name } of container.volumeMounts ?? []) {
    if (mountPath === '') {
      errors.push(`${what}: the mount path of volume '${name}' must not be empty (got '')`);
    }
    const first = mounted.get(mountPath);
    if (first === undefined) {
      mounted.set(mountPath, name);
    } else {
      errors.push(
        `${what}: a mount path must be unique in the container (got ${received(mountPath)} for volume ` +
          `'${name}', where volume '${first}' is mounted already); mount volume '${name}' at another path`,
      );
    }
  }
  return errors;
}

// The ContainerResources prop of each resource cdk8s-plus-27 writes, to name it in a message.
const RESOURCE_PROPS: Readonly<Record<string, string>> = {
  cpu: 'cpu',
  memory: 'memory',
  'ephemeral-storage': 'ephemeralStorage',
};

/** A request above its limit, as the API server refuses it, or a quantity it cannot read. */
function requestErrors(what: string, container: kplus.k8s.Container): string[] {
  const { requests = {}, limits = {} } = container.resources ?? {};
  const errors: string[] = [];
  for (const [resource, limit] of Object.entries(limits)) {
    const request = requests[resource];
    if (request === undefined) {
      continue;
    }
    const [requested, limited] = [String(request.value), String(limit.value)];
    const prop = `resources.${RESOURCE_PROPS[resource] ?? resource}`;
    const order = compareQuantities(requested, limited);
    if (order === undefined) {
      const [bound, value] = parseQuantity(requested) === undefined ? ['request', requested] : ['limit', limited];
      errors.push(
        `${what}: ${prop}.${bound} must be a quantity such as '500m', '1.5' or '64Mi' (got ${received(value)})`,
      );
    } else if (order > 0) {
      errors.push(
        `${what}: ${prop}.request must be less than or equal to its limit of ${limited} (got ${received(requested)}); ` +
          'the API server refuses a request above the limit: lower the request or raise the limit',
      );
    }
  }
  return errors;
}

/**
 * A rendered container with every capability dropped, the pod's user and group named, and
 * DEFAULT_EPHEMERAL_STORAGE where it names none (below).
 */
function hardenContainer(
  container: kplus.k8s.Container,
  podSecurity: kplus.k8s.PodSecurityContext | undefined,
): kplus.k8s.Container {
  const { securityContext, resources } = container;
  const ownRequest = resources?.requests?.['ephemeral-storage'];
  const ownLimit = resources?.limits?.['ephemeral-storage'];
  const storage = (bounds: 'requests' | 'limits') => ({
    ...resources?.[bounds],
    'ephemeral-storage':
      (bounds === 'requests' ? ownRequest : ownLimit) ?? defaultEphemeralStorage(bounds, ownRequest, ownLimit),
  });
  return {
    ...container,
    securityContext: {
      ...securityContext,
      runAsUser: securityContext?.runAsUser ?? podSecurity?.runAsUser,
      runAsGroup: securityContext?.runAsGroup ?? podSecurity?.runAsGroup,
      // The Capability enum has no "ALL"; an added NET_BIND_SERVICE stays.
      capabilities: { ...securityContext?.capabilities, drop: ['ALL'] },
    },
    resources: { ...resources, requests: storage('requests'), limits: storage('limits') },
  };
}

/**
 * DEFAULT_EPHEMERAL_STORAGE's request or limit for a container that names only the other bound:
 * never a default limit below the container's own request, nor a default request above its own
 * limit, which the API server would refuse. (Kubernetes' LimitRanger would write its default
 * regardless, and the API server then refuses the pod.)
 */
function defaultEphemeralStorage(
  bounds: 'requests' | 'limits',
  ownRequest: kplus.k8s.Quantity | undefined,
  ownLimit: kplus.k8s.Quantity | undefined,
): kplus.k8s.Quantity {
  const fallback = DEFAULT_EPHEMERAL_STORAGE[bounds];
  if (bounds === 'limits' && ownRequest !== undefined && compareQuantities(String(ownRequest.value), fallback) === 1) {
    return ownRequest;
  }
  if (bounds === 'requests' && ownLimit !== undefined && compareQuantities(String(ownLimit.value), fallback) === -1) {
    return ownLimit;
  }
  return kplus.k8s.Quantity.fromString(fallback);
}
