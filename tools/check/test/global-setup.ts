// Builds kube-rules, kubeconform and kube-score and fetches the newest cluster API's schema before the
// tests, if the caches lack them, so that no test times out on a cold machine. Progress goes to
// stderr, as `npm run check` prints it.
import { goTool } from '../../common/go-tools';
import { newestClusterSchema } from '../schemas';

export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`test:check: ${line}\n`);
  await goTool('kube-rules', log);
  await goTool('kubeconform', log);
  await goTool('kube-score', log);
  await newestClusterSchema(log);
}
