// Writes kube-scopes.json, the scope (Namespaced or Cluster) of every kind the API server serves
// by default, from `kube-rules kinds` (each kind's registry strategy, kit/go/check/kube-rules/
// scopes.go); `--check` fails when the file is not what kube-rules answers, which the check
// tests run (kit/pkg/check/test/kube-scopes.test.ts). Regenerate after a bump of k8s.io/kubernetes:
//   node -r ./kit/pkg/loader/ts-register.js kit/pkg/common/kube-scopes.ts [--check]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { goTool } from './go-tools';
import { run, runMain } from './process';

export const KUBE_SCOPES_FILE = path.join(__dirname, 'kube-scopes.json');

/** The file's text as kube-rules, built from the pinned module, answers it. */
export async function kubeScopesText(log: (line: string) => void): Promise<string> {
  const kubeRules = await goTool('kube-rules', log);
  const { stdout } = await run(kubeRules, ['kinds']);
  const { scopes } = JSON.parse(stdout) as { scopes: Record<string, string> };
  const sorted = Object.fromEntries(Object.entries(scopes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const generatedBy =
    'node -r ./kit/pkg/loader/ts-register.js kit/pkg/common/kube-scopes.ts, from kube-rules kinds: ' +
    "each served kind's registry strategy, NamespaceScoped()";
  return `${JSON.stringify({ generatedBy, scopes: sorted }, null, 2)}\n`;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args.length > 1 || (args.length === 1 && args[0] !== '--check')) {
    console.error(
      `kube-scopes: the only argument must be --check (got ${args.join(' ')})\n` +
        'usage: node -r ./kit/pkg/loader/ts-register.js kit/pkg/common/kube-scopes.ts [--check]',
    );
    process.exit(2);
  }
  runMain('kube-scopes', async () => {
    const text = await kubeScopesText((line) => process.stderr.write(`kube-scopes: ${line}\n`));
    const relative = path.relative(process.cwd(), KUBE_SCOPES_FILE);
    if (args[0] === '--check') {
      if (fs.readFileSync(KUBE_SCOPES_FILE, 'utf8') !== text) {
        console.error(`kube-scopes: ${relative} is stale: run this command without --check`);
        return 1;
      }
      return 0;
    }
    fs.writeFileSync(KUBE_SCOPES_FILE, text);
    console.log(`kube-scopes: wrote ${relative}`);
    return 0;
  });
}
