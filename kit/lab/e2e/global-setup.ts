// Builds what `npm run apply` runs (helm and kstatus-watch, kit/go/deploy/go.mod) and the
// api-server gate's kube-rules (the parity test) before the e2e tests, if the cache lacks them:
// a cold build takes minutes, longer than a test's deploy may.
// Progress goes to stderr.
import { goTool } from '../../pkg/common/go-tools';

export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`e2e: ${line}\n`);
  await goTool('helm', log);
  await goTool('kstatus-watch', log);
  await goTool('kube-rules', log);
}
