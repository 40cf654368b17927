// Builds kube-rules, kubeconform, kube-score and actionlint and fetches the newest cluster API's schema before the
// tests, if the caches lack them, so that no test times out on a cold machine. Progress goes to
// stderr, as `npm run check` prints it.
import * as path from 'node:path';
import { goTool } from '../../common/go-tools';
import { run } from '../../common/process';
import { newestClusterSchema } from '../schemas';

export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`test:check: ${line}\n`);
  await goTool('kube-rules', log);
  await goTool('kubeconform', log);
  await goTool('kube-score', log);
  await newestClusterSchema(log);
  // `go tool` builds actionlint from .ci/go/go.mod on first use (silently: say so), then reuses it.
  log('go tool actionlint -version (.ci/go/go.mod)');
  await run('go', ['-C', path.resolve(__dirname, '../../../../.ci/go'), 'tool', 'actionlint', '-version']);
}
