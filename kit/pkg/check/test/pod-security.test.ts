// The pod-security gate: Kubernetes' own Pod Security "restricted" (kube-rules, built from
// k8s.io/pod-security-admission at the release kit/go/cluster/kube/go.mod pins) on the sandbox
// fixture and on pods that each break one rule.
import * as path from 'node:path';
import { binaryPath, goModuleVersion, toolModuleDir } from '../../common/go-tools';
import type { KubeObject } from '../../common/kube';
import { podSecurity } from '../pod-security';
import { sandboxObjects } from '../../common/test/sandbox-fixture';

const kubeRules = binaryPath('kube-rules');

/** The gate's findings on `objects`, as if they were the file p.yaml. */
function check(...objects: KubeObject[]) {
  return podSecurity(
    kubeRules,
    objects.map((object) => ({ file: 'p.yaml', object })),
  );
}

test('kube-rules is pinned to the Kubernetes release the cluster scripts build', async () => {
  const cluster = await goModuleVersion(
    path.join(toolModuleDir('kube-rules'), '../../cluster/kube'),
    'k8s.io/kubernetes',
  );
  // Staging modules are versioned v0.X.Y for Kubernetes v1.X.Y.
  const staging = cluster.version.replace(/^v1\./, 'v0.');
  for (const module of ['k8s.io/pod-security-admission', 'k8s.io/api', 'k8s.io/apimachinery']) {
    expect(`${module} ${(await goModuleVersion(toolModuleDir('kube-rules'), module)).version}`).toBe(
      `${module} ${staging}`,
    );
  }
});

test('every pod spec of the sandbox fixture meets "restricted"', async () => {
  expect(await check(...sandboxObjects())).toEqual([]);
});

// A pod that meets "restricted" with as little as it takes; each case below breaks one rule.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test fixtures are arbitrary JSON.
function restrictedPod(): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'app',
          image: 'app:1',
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

test('the minimal restricted pod passes', async () => {
  expect(await check(restrictedPod())).toEqual([]);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Breaker = (pod: any) => void;
// Each message is what the API server says when PodSecurity admission refuses the pod, and the
// policy versions that refuse it: a Kubernetes release that changes a rule changes one of these.
test.each<[string, Breaker, string]>([
  ['hostNetwork', (p) => (p.spec.hostNetwork = true), 'host namespaces: hostNetwork=true [restricted v1.27, v1.34]'],
  ['hostPID', (p) => (p.spec.hostPID = true), 'host namespaces: hostPID=true [restricted v1.27, v1.34]'],
  ['hostIPC', (p) => (p.spec.hostIPC = true), 'host namespaces: hostIPC=true [restricted v1.27, v1.34]'],
  [
    'privileged',
    (p) => (p.spec.containers[0].securityContext.privileged = true),
    'privileged: container "app" must not set securityContext.privileged=true [restricted v1.27, v1.34]',
  ],
  [
    'hostProcess',
    (p) => (p.spec.securityContext.windowsOptions = { hostProcess: true }),
    'hostProcess: pod must not set securityContext.windowsOptions.hostProcess=true [restricted v1.27, v1.34]',
  ],
  [
    'a capability added beyond NET_BIND_SERVICE',
    (p) => (p.spec.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE', 'SYS_ADMIN']),
    'unrestricted capabilities: container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add [restricted v1.27, v1.34]',
  ],
  [
    'capabilities not dropping ALL',
    (p) => (p.spec.containers[0].securityContext.capabilities.drop = ['NET_RAW']),
    'unrestricted capabilities: container "app" must set securityContext.capabilities.drop=["ALL"] [restricted v1.27, v1.34]',
  ],
  [
    'a hostPath volume',
    (p) => (p.spec.volumes = [{ name: 'host', hostPath: { path: '/' } }]),
    'restricted volume types: volume "host" uses restricted volume type "hostPath" [restricted v1.27, v1.34]',
  ],
  [
    'an nfs volume',
    (p) =>
      (p.spec.volumes = [
        { name: 'ok', emptyDir: {} },
        { name: 'share', nfs: { server: 'nfs', path: '/' } },
      ]),
    'restricted volume types: volume "share" uses restricted volume type "nfs" [restricted v1.27, v1.34]',
  ],
  [
    'a hostPort',
    (p) => (p.spec.containers[0].ports = [{ containerPort: 80, hostPort: 80 }]),
    'hostPort: container "app" uses hostPort 80 [restricted v1.27, v1.34]',
  ],
  [
    'an AppArmor annotation for unconfined',
    (p) => (p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }),
    'forbidden AppArmor profile: annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app="unconfined"" [restricted v1.27, v1.34]',
  ],
  [
    'an unconfined AppArmor profile',
    (p) => (p.spec.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' }),
    'forbidden AppArmor profile: container "app" must not set AppArmor profile type to "Unconfined" [restricted v1.27, v1.34]',
  ],
  [
    'a custom SELinux type',
    (p) => (p.spec.securityContext.seLinuxOptions = { type: 'spc_t' }),
    'seLinuxOptions: pod set forbidden securityContext.seLinuxOptions: type "spc_t" [restricted v1.27, v1.34]',
  ],
  [
    'an SELinux user',
    (p) => (p.spec.containers[0].securityContext.seLinuxOptions = { user: 'root' }),
    'seLinuxOptions: container "app" set forbidden securityContext.seLinuxOptions: user may not be set [restricted v1.27, v1.34]',
  ],
  [
    'an unmasked /proc',
    (p) => (p.spec.containers[0].securityContext.procMount = 'Unmasked'),
    'procMount: container "app" must not set securityContext.procMount to "Unmasked" [restricted v1.27, v1.34]',
  ],
  [
    'a container with an unconfined seccomp profile',
    (p) => (p.spec.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }),
    'seccompProfile: container "app" must not set securityContext.seccompProfile.type to "Unconfined" [restricted v1.27, v1.34]',
  ],
  [
    'no seccomp profile at all',
    (p) => delete p.spec.securityContext.seccompProfile,
    'seccompProfile: pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost" [restricted v1.27, v1.34]',
  ],
  [
    'an unsafe sysctl',
    (p) => (p.spec.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }]),
    'forbidden sysctls: kernel.msgmax [restricted v1.27, v1.34]',
  ],
  [
    'allowPrivilegeEscalation unset',
    (p) => delete p.spec.containers[0].securityContext.allowPrivilegeEscalation,
    'allowPrivilegeEscalation != false: container "app" must set securityContext.allowPrivilegeEscalation=false [restricted v1.27, v1.34]',
  ],
  [
    'allowPrivilegeEscalation true',
    (p) => (p.spec.containers[0].securityContext.allowPrivilegeEscalation = true),
    'allowPrivilegeEscalation != false: container "app" must set securityContext.allowPrivilegeEscalation=false [restricted v1.27, v1.34]',
  ],
  [
    'runAsNonRoot unset on the pod and the container',
    (p) => delete p.spec.securityContext.runAsNonRoot,
    'runAsNonRoot != true: pod or container "app" must set securityContext.runAsNonRoot=true [restricted v1.27, v1.34]',
  ],
  [
    'a container with runAsNonRoot false',
    (p) => (p.spec.containers[0].securityContext.runAsNonRoot = false),
    'runAsNonRoot != true: container "app" must not set securityContext.runAsNonRoot=false [restricted v1.27, v1.34]',
  ],
  [
    'runAsUser 0',
    (p) => (p.spec.containers[0].securityContext.runAsUser = 0),
    'runAsUser=0: container "app" must not set runAsUser=0 [restricted v1.27, v1.34]',
  ],
  [
    'a probe aimed at another host',
    (p) => (p.spec.containers[0].livenessProbe = { httpGet: { host: '10.0.0.1', port: 80 } }),
    'probe or lifecycle host: container "app" uses probe or lifecycle host "10.0.0.1" [restricted v1.34]',
  ],
  [
    'an init container that may escalate',
    (p) =>
      (p.spec.initContainers = [
        { name: 'init', image: 'init:1', securityContext: { capabilities: { drop: ['ALL'] } } },
      ]),
    'allowPrivilegeEscalation != false: container "init" must set securityContext.allowPrivilegeEscalation=false [restricted v1.27, v1.34]',
  ],
])('%s is refused', async (_, breakIt, message) => {
  const pod = restrictedPod();
  breakIt(pod);
  expect(await check(pod)).toEqual([{ gate: 'pod-security', file: 'p.yaml', object: 'Pod/p', field: 'spec', message }]);
});

test.each<[string, Breaker]>([
  ['NET_BIND_SERVICE added', (p) => (p.spec.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE'])],
  [
    'a safe sysctl',
    (p) => (p.spec.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }]),
  ],
  [
    'seccomp and runAsNonRoot set on the container only',
    (p) => {
      p.spec.securityContext = {};
      Object.assign(p.spec.containers[0].securityContext, {
        runAsNonRoot: true,
        seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' },
      });
    },
  ],
  ['a non-root runAsUser', (p) => (p.spec.securityContext.runAsUser = 1000)],
  [
    'allowed volume types',
    (p) =>
      (p.spec.volumes = [
        { name: 'a', configMap: { name: 'c' } },
        { name: 'b', projected: { sources: [] } },
      ]),
  ],
  ['hostNetwork false', (p) => (p.spec.hostNetwork = false)],
])('%s is allowed', async (_, allow) => {
  const pod = restrictedPod();
  allow(pod);
  expect(await check(pod)).toEqual([]);
});

test('every forbidden check of a pod is a finding, in the order the API server lists them', async () => {
  const pod = restrictedPod();
  pod.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
  pod.spec.securityContext.runAsNonRoot = false;
  expect((await check(pod)).map((finding) => finding.message.split(':')[0])).toEqual([
    'allowPrivilegeEscalation != false',
    'runAsNonRoot != true',
  ]);
});

describe('workloads: the pod template is checked, at its path', () => {
  const template = () => {
    const { metadata, spec } = restrictedPod();
    spec.containers[0].securityContext.privileged = true;
    return { metadata, spec };
  };
  test.each([
    ['Deployment', { spec: { template: template() } }, 'spec.template.spec'],
    ['ReplicaSet', { spec: { template: template() } }, 'spec.template.spec'],
    ['StatefulSet', { spec: { template: template() } }, 'spec.template.spec'],
    ['DaemonSet', { spec: { template: template() } }, 'spec.template.spec'],
    ['Job', { spec: { template: template() } }, 'spec.template.spec'],
    ['ReplicationController', { spec: { template: template() } }, 'spec.template.spec'],
    ['PodTemplate', { template: template() }, 'template.spec'],
    ['CronJob', { spec: { jobTemplate: { spec: { template: template() } } } }, 'spec.jobTemplate.spec.template.spec'],
  ])('%s', async (kind, body, field) => {
    expect(await check({ kind, metadata: { name: 'w' }, ...body })).toEqual([
      {
        gate: 'pod-security',
        file: 'p.yaml',
        object: `${kind}/w`,
        field,
        message: 'privileged: container "app" must not set securityContext.privileged=true [restricted v1.27, v1.34]',
      },
    ]);
  });

  test('objects without pods have nothing to check', async () => {
    expect(await check({ kind: 'Service', metadata: { name: 's' }, spec: { hostNetwork: true } })).toEqual([]);
  });

  test('a pod spec of the wrong shape is reported, not a crash', async () => {
    const pod = restrictedPod();
    pod.spec.containers = 'app';
    expect(await check(pod)).toEqual([
      expect.objectContaining({ object: 'Pod/p', message: expect.stringMatching(/^unreadable pod spec: /) }),
    ]);
  });
});
