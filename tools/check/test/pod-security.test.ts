// Pod Security "restricted" on everything the charts synthesize, and the checker itself: each
// rule, fed a pod that breaks it, reports that field and that control.
import { Testing } from 'cdk8s';
import { FibClientChart, type FibClientProps, NginxChart, type NginxDeploymentProps } from '../../../lib';
import { checkPodSecurity } from '../pod-security';
import { synth } from '../../../test/manifests';

describe('every pod spec the charts synthesize meets "restricted"', () => {
  test.each<[string, { fibClient?: FibClientProps; nginx?: NginxDeploymentProps }]>([
    ['the sandbox (main.ts)', {}],
    ['unprivileged ports', { fibClient: { containerPort: 8080 }, nginx: { containerPort: 8080 } }],
  ])('%s', (_, props) => {
    const app = Testing.app();
    const manifests = [
      ...synth(new FibClientChart(app, 'fib-client', { fibClient: props.fibClient })),
      ...synth(new NginxChart(app, 'nginx', { nginx: props.nginx })),
    ];
    expect(manifests.flatMap(checkPodSecurity)).toEqual([]);
  });
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

const C = 'spec.containers[0]';
const SC = `${C}.securityContext`;

test('the minimal restricted pod passes', () => {
  expect(checkPodSecurity(restrictedPod())).toEqual([]);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Breaker = (pod: any) => void;
test.each<[string, Breaker, string, string]>([
  ['hostNetwork', (p) => (p.spec.hostNetwork = true), 'spec.hostNetwork', 'Host Namespaces'],
  ['hostPID', (p) => (p.spec.hostPID = true), 'spec.hostPID', 'Host Namespaces'],
  ['hostIPC', (p) => (p.spec.hostIPC = true), 'spec.hostIPC', 'Host Namespaces'],
  [
    'privileged',
    (p) => (p.spec.containers[0].securityContext.privileged = true),
    `${SC}.privileged`,
    'Privileged Containers',
  ],
  [
    'hostProcess',
    (p) => (p.spec.securityContext.windowsOptions = { hostProcess: true }),
    'spec.securityContext.windowsOptions.hostProcess',
    'HostProcess',
  ],
  [
    'a capability added beyond NET_BIND_SERVICE',
    (p) => (p.spec.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE', 'SYS_ADMIN']),
    `${SC}.capabilities.add[1]`,
    'Capabilities',
  ],
  [
    'capabilities not dropping ALL',
    (p) => (p.spec.containers[0].securityContext.capabilities.drop = ['NET_RAW']),
    `${SC}.capabilities.drop`,
    'Capabilities',
  ],
  [
    'a hostPath volume',
    (p) => (p.spec.volumes = [{ name: 'host', hostPath: { path: '/' } }]),
    'spec.volumes[0].hostPath',
    'HostPath Volumes',
  ],
  [
    'an nfs volume',
    (p) =>
      (p.spec.volumes = [
        { name: 'ok', emptyDir: {} },
        { name: 'share', nfs: { server: 'nfs', path: '/' } },
      ]),
    'spec.volumes[1].nfs',
    'Volume Types',
  ],
  [
    'a hostPort',
    (p) => (p.spec.containers[0].ports = [{ containerPort: 80, hostPort: 80 }]),
    `${C}.ports[0].hostPort`,
    'Host Ports',
  ],
  [
    'an AppArmor annotation for unconfined',
    (p) => (p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }),
    'metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]',
    'AppArmor',
  ],
  [
    'an unconfined AppArmor profile',
    (p) => (p.spec.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' }),
    `${SC}.appArmorProfile.type`,
    'AppArmor',
  ],
  [
    'a custom SELinux type',
    (p) => (p.spec.securityContext.seLinuxOptions = { type: 'spc_t' }),
    'spec.securityContext.seLinuxOptions.type',
    'SELinux',
  ],
  [
    'an SELinux user',
    (p) => (p.spec.containers[0].securityContext.seLinuxOptions = { user: 'root' }),
    `${SC}.seLinuxOptions.user`,
    'SELinux',
  ],
  [
    'an unmasked /proc',
    (p) => (p.spec.containers[0].securityContext.procMount = 'Unmasked'),
    `${SC}.procMount`,
    '/proc Mount Type',
  ],
  [
    'a container with an unconfined seccomp profile',
    (p) => (p.spec.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }),
    `${SC}.seccompProfile.type`,
    'Seccomp',
  ],
  [
    'no seccomp profile at all',
    (p) => delete p.spec.securityContext.seccompProfile,
    `${SC}.seccompProfile.type`,
    'Seccomp',
  ],
  [
    'an unsafe sysctl',
    (p) => (p.spec.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }]),
    'spec.securityContext.sysctls[0].name',
    'Sysctls',
  ],
  [
    'allowPrivilegeEscalation unset',
    (p) => delete p.spec.containers[0].securityContext.allowPrivilegeEscalation,
    `${SC}.allowPrivilegeEscalation`,
    'Privilege Escalation',
  ],
  [
    'allowPrivilegeEscalation true',
    (p) => (p.spec.containers[0].securityContext.allowPrivilegeEscalation = true),
    `${SC}.allowPrivilegeEscalation`,
    'Privilege Escalation',
  ],
  [
    'runAsNonRoot unset on the pod and the container',
    (p) => delete p.spec.securityContext.runAsNonRoot,
    `${SC}.runAsNonRoot`,
    'Running as Non-root',
  ],
  [
    'a container with runAsNonRoot false',
    (p) => (p.spec.containers[0].securityContext.runAsNonRoot = false),
    `${SC}.runAsNonRoot`,
    'Running as Non-root',
  ],
  [
    'runAsUser 0',
    (p) => (p.spec.containers[0].securityContext.runAsUser = 0),
    `${SC}.runAsUser`,
    'Running as Non-root user',
  ],
  [
    'a probe aimed at another host',
    (p) => (p.spec.containers[0].livenessProbe = { httpGet: { host: '10.0.0.1', port: 80 } }),
    `${C}.livenessProbe.httpGet.host`,
    'Probes and Lifecycle Hooks',
  ],
  [
    'an init container that may escalate',
    (p) =>
      (p.spec.initContainers = [
        { name: 'init', image: 'init:1', securityContext: { capabilities: { drop: ['ALL'] } } },
      ]),
    'spec.initContainers[0].securityContext.allowPrivilegeEscalation',
    'Privilege Escalation',
  ],
])('%s is reported at its field', (_, breakIt, field, control) => {
  const pod = restrictedPod();
  breakIt(pod);
  expect(checkPodSecurity(pod)).toEqual([{ object: 'Pod/p', field, message: expect.stringContaining(`[${control}]`) }]);
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
])('%s is allowed', (_, allow) => {
  const pod = restrictedPod();
  allow(pod);
  expect(checkPodSecurity(pod)).toEqual([]);
});

test('each message says what is wrong and what is allowed', () => {
  const pod = restrictedPod();
  pod.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
  pod.spec.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }];
  expect(checkPodSecurity(pod).map((v) => `${v.field}: ${v.message}`)).toEqual([
    'spec.securityContext.sysctls[0].name: "kernel.msgmax" is not a safe sysctl; allowed: kernel.shm_rmid_forced, ' +
      'net.ipv4.ip_local_port_range, net.ipv4.ip_local_reserved_ports, net.ipv4.ip_unprivileged_port_start, ' +
      'net.ipv4.ping_group_range, net.ipv4.tcp_syncookies [Sysctls]',
    `${SC}.allowPrivilegeEscalation: must be false, is true [Privilege Escalation]`,
  ]);
});

test('a pod that runs as root breaks the rule on the pod and in every container it reaches', () => {
  const pod = restrictedPod();
  pod.spec.securityContext.runAsNonRoot = false;
  expect(checkPodSecurity(pod).map((v) => v.field)).toEqual([
    'spec.securityContext.runAsNonRoot',
    `${SC}.runAsNonRoot`,
  ]);
});

describe('workloads: the pod template is checked, with its path', () => {
  const template = () => {
    const { metadata, spec } = restrictedPod();
    spec.containers[0].securityContext.privileged = true;
    return { metadata, spec };
  };
  test.each([
    ['Deployment', { spec: { template: template() } }, 'spec.template.spec'],
    ['StatefulSet', { spec: { template: template() } }, 'spec.template.spec'],
    ['DaemonSet', { spec: { template: template() } }, 'spec.template.spec'],
    ['Job', { spec: { template: template() } }, 'spec.template.spec'],
    ['CronJob', { spec: { jobTemplate: { spec: { template: template() } } } }, 'spec.jobTemplate.spec.template.spec'],
  ])('%s', (kind, body, specPath) => {
    expect(checkPodSecurity({ kind, metadata: { name: 'w' }, ...body })).toEqual([
      {
        object: `${kind}/w`,
        field: `${specPath}.containers[0].securityContext.privileged`,
        message: 'must be unset or false, is true [Privileged Containers]',
      },
    ]);
  });

  test('objects without pods have nothing to check', () => {
    expect(checkPodSecurity({ kind: 'Service', metadata: { name: 's' }, spec: { hostNetwork: true } })).toEqual([]);
  });
});
