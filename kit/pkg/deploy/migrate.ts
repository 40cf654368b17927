// The move from the kubectl ApplySet that `npm run apply` used before Helm (KEP-3659: a parent
// Secret named k8s-sandbox, members labelled applyset.kubernetes.io/part-of). A user expects the
// first deploy through Helm to take over that sandbox as it stands, not to fail on "invalid
// ownership metadata" or leave a second set behind. So, while the namespace has that parent
// Secret (until a deploy through Helm has succeeded), Helm takes ownership of the objects the new manifests
// name (`helm upgrade --install --take-ownership`, Helm's own adoption, with
// `--force-conflicts`: the fields kubectl's client-side apply owned take the manifests' values,
// as another kubectl apply would give them); after the deploy succeeds,
// the old set's members the manifests no longer hold are deleted (what the ApplySet's next
// prune would have done), the kept ones lose the part-of label, and the parent Secret goes.
// Objects without the part-of label (made by hand) are never touched.
import { type ObjectId, displayId } from '../common/kube';
import { kubectl, kubectlJson } from '../common/kubectl';
import { RELEASE, type Target } from './target';

const PART_OF = 'applyset.kubernetes.io/part-of';

interface Parent {
  readonly metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

async function parentSecret(target: Target): Promise<Parent | undefined> {
  const result = await kubectl(['get', 'secret', RELEASE, '-n', target.namespace, '-o', 'json'], {
    target,
    okExitCodes: [1],
  });
  const parent = result.code === 0 ? (JSON.parse(result.stdout) as Parent) : undefined;
  return parent?.metadata.labels?.['applyset.kubernetes.io/id'] ? parent : undefined;
}

/** Whether the target namespace holds an ApplySet of this app to take over (logged if so). */
export async function adoptApplySet(target: Target, log: (line: string) => void): Promise<boolean> {
  if (!(await parentSecret(target))) {
    return false;
  }
  log(
    `moving from the kubectl ApplySet ${RELEASE} in ${target.namespace} to Helm release ${RELEASE}: ` +
      'Helm takes ownership of the objects the manifests name',
  );
  return true;
}

/** After the first Helm deploy: prune the old set's members the manifests dropped, then drop the set. */
export async function finishApplySetMove(target: Target, ids: readonly ObjectId[], log: (line: string) => void) {
  const parent = await parentSecret(target);
  const id = parent?.metadata.labels?.['applyset.kubernetes.io/id'];
  if (!parent || !id) {
    return;
  }
  const annotations = parent.metadata.annotations ?? {};
  const kinds = (annotations['applyset.kubernetes.io/contains-group-kinds'] ?? '').split(',').filter(Boolean);
  const namespaces = [
    target.namespace,
    ...(annotations['applyset.kubernetes.io/additional-namespaces'] ?? '').split(',').filter(Boolean),
  ];
  const kept = new Set(ids.map((i) => `${i.kind}/${i.namespace}/${i.name}`));
  for (const namespace of namespaces) {
    if (kinds.length === 0) {
      break;
    }
    const members = await kubectlJson(['get', kinds.join(','), '-n', namespace, '-l', `${PART_OF}=${id}`], target);
    for (const member of members.items as { kind: string; apiVersion: string; metadata: { name: string } }[]) {
      const group = member.apiVersion.includes('/') ? member.apiVersion.split('/')[0] : '';
      const ref = `${member.kind.toLowerCase()}${group ? `.${group}` : ''}/${member.metadata.name}`;
      const name = displayId({ group, kind: member.kind, namespace, name: member.metadata.name });
      if (kept.has(`${member.kind}/${namespace}/${member.metadata.name}`)) {
        await kubectl(['label', ref, '-n', namespace, `${PART_OF}-`], { target });
      } else {
        await kubectl(['delete', ref, '-n', namespace, '--wait=false'], { target });
        log(`${name}: pruned (in the old ApplySet, no longer in the manifests)`);
      }
    }
  }
  await kubectl(['delete', 'secret', RELEASE, '-n', target.namespace], { target });
  log(`the ApplySet ${RELEASE} is gone: release ${RELEASE} is the one record of this app now`);
}
