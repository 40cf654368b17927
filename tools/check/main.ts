// `npm run check [-- DIR]`: the gates every manifest in DIR (default dist/, written by
// `npm run synth`) must pass. Prints each finding on one line (gate, file, object, field, what
// is wrong) and exits 1 if there is any, 2 if a gate could not run at all.
//   pod-security    every pod spec meets the Pod Security Standard "restricted"
//   schema 1.27.0   kubeconform, strict, against the API cdk8s-plus-27 targets
//   schema 1.34.x   the same against the newest API the real-cluster test builds
//                   (k8s.io/kubernetes as tools/cluster/kube/go.mod pins it)
//   kube-score      no CRITICAL and no WARNING, except checks an object ignores on purpose
import { type Finding, displayPath, formatFinding } from './findings';
import { goTool } from '../common/go-tools';
import { kubeScore } from './kube-score';
import { validateSchemas } from './kubeconform';
import { type ManifestObject, loadObjects, manifestFiles } from '../common/manifests';
import { checkPodSecurity } from './pod-security';
import { newestClusterSchema, targetSchema } from './schemas';

const log = (line: string) => console.error(`check: ${line}`);

async function main(dir: string): Promise<number> {
  const files = manifestFiles(dir);
  const objects = loadObjects(files);
  log(`${objects.length} objects in ${files.length} files of ${dir}/`);

  const kubeconform = await goTool('kubeconform', log);
  const kubeScoreBinary = await goTool('kube-score', log);
  const schemas = [targetSchema(), newestClusterSchema(log)];
  const gates: [string, () => Promise<Finding[]> | Finding[]][] = [
    ['pod-security', () => podSecurity(objects)],
    ...schemas.map((source): [string, () => Promise<Finding[]>] => [
      `schema ${source.version}`,
      () => validateSchemas(kubeconform, source, files),
    ]),
    ['kube-score', () => kubeScore(kubeScoreBinary, files)],
  ];

  let total = 0;
  let failedToRun = 0;
  for (const [name, gate] of gates) {
    const started = Date.now();
    let findings: Finding[];
    try {
      findings = await gate();
    } catch (error) {
      // Go on with the other gates: kube-score, for one, cannot read an object of the wrong
      // shape, which the schema gates have just explained.
      log(`${name}: could not run: ${(error as Error).message.trim()}`);
      failedToRun += 1;
      continue;
    }
    log(`${name}: ${findings.length === 0 ? 'ok' : `${findings.length} findings`} (${Date.now() - started} ms)`);
    for (const finding of findings) {
      console.log(formatFinding(finding));
    }
    total += findings.length;
  }
  if (total === 0 && failedToRun === 0) {
    log('all gates pass');
    return 0;
  }
  log(`${total} findings${failedToRun === 0 ? '' : `, ${failedToRun} gates could not run`}`);
  return failedToRun === 0 ? 1 : 2;
}

function podSecurity(objects: readonly ManifestObject[]): Finding[] {
  return objects.flatMap(({ file, object }) =>
    checkPodSecurity(object).map((violation) => ({ gate: 'pod-security', file: displayPath(file), ...violation })),
  );
}

main(process.argv[2] ?? 'dist').then(
  (code) => process.exit(code),
  (error: Error) => {
    log(error.message);
    process.exit(2);
  },
);
