// Objects that pass the restricted Pod Security Standard, for the tools and tests that create
// their own pods: a namespace that enforces the standard, and a one-container pod that meets it.

/** A Namespace enforcing the restricted Pod Security Standard (latest), with extra `labels`. */
export function restrictedNamespace(name: string, labels: Record<string, string> = {}): object {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        ...labels,
      },
    },
  };
}

/** What differs between the pods {@link restrictedPod} makes. */
export interface RestrictedPodOptions {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly image: string;
  /** The container's command (the image's entrypoint is replaced). */
  readonly command: readonly string[];
  /** A TCP port whose readiness probe says the pod is Ready. @default - no probe */
  readonly readyPort?: number;
}

/**
 * A Pod of one container that passes the restricted standard: a non-root uid and gid (10101),
 * the RuntimeDefault seccomp profile, no privilege escalation, every capability dropped, no
 * ServiceAccount token; it stops at once when deleted.
 */
export function restrictedPod(options: RestrictedPodOptions): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: options.name, labels: options.labels },
    spec: {
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 10101,
        runAsGroup: 10101,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'main',
          image: options.image,
          command: options.command,
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          ...(options.readyPort === undefined
            ? {}
            : { readinessProbe: { tcpSocket: { port: options.readyPort }, periodSeconds: 1 } }),
        },
      ],
    },
  };
}
