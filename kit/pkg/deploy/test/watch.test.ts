// The two ends of deploy.ts's talk with kstatus-watch (main.go's header gives the format): what
// it is told to check per object, and how its lines read in the deploy's progress.
import { parseWatchLine, watchInput } from '../watch';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web' },
  spec: {
    containers: [
      { name: 'app', image: 'nginx:1.14.2' },
      { name: 'side', image: 'busybox:1.36' },
    ],
  },
};
const id = (kind: string, name: string, group = '') => ({ group, kind, namespace: 'team-a', name });

test("a Pod is watched with its manifest's images, a Service with a selector for endpoints, others as they are", () => {
  const input = watchInput([
    { id: id('Pod', 'web'), object: pod },
    { id: id('Service', 'web'), object: { kind: 'Service', spec: { selector: { app: 'web' } } } },
    { id: id('Service', 'external'), object: { kind: 'Service', spec: { type: 'ExternalName' } } },
    { id: id('Deployment', 'nginx', 'apps'), object: { kind: 'Deployment' } },
  ]);
  expect(input.split('\n')).toEqual([
    '\tPod\tteam-a\tweb\tapp=nginx:1.14.2,side=busybox:1.36',
    '\tService\tteam-a\tweb\tendpoints',
    '\tService\tteam-a\texternal\t',
    'apps\tDeployment\tteam-a\tnginx\t',
    '',
  ]);
});

test.each([
  ['synced', { type: 'synced' }],
  ['healthy', { type: 'healthy' }],
  [
    'status\tDeployment\tteam-a\tnginx\tInProgress\tAvailable: 1/2',
    { type: 'status', object: 'Deployment/team-a/nginx', text: 'Deployment/team-a/nginx: InProgress: Available: 1/2' },
  ],
  [
    'ready\tService\tteam-a\tweb\tCurrent: has ready endpoints',
    { type: 'ready', object: 'Service/team-a/web', text: 'Service/team-a/web: Current: has ready endpoints' },
  ],
  [
    'failing\tteam-a\tweb\tapp\tErrImagePull\tnot found',
    {
      type: 'failing',
      object: 'Pod/team-a/web',
      text: 'Pod/team-a/web: container app: ErrImagePull: not found (the deploy fails if this persists)',
    },
  ],
  [
    'failed\tPod\tteam-a\tweb\tcontainer app: ErrImagePull: not found (persisted 11s)',
    {
      type: 'failed',
      object: 'Pod/team-a/web',
      text: 'Pod/team-a/web: container app: ErrImagePull: not found (persisted 11s)',
    },
  ],
  ['something new', undefined],
])('%j', (line, expected) => {
  expect(parseWatchLine(line)).toEqual(expected);
});
