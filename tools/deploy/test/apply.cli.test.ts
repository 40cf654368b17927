// `npm run apply` (tools/deploy/apply.sh) with a stand-in kubectl that records how it is called: the
// exact pruning command, the namespace it fills in, and the kubectl versions it refuses. The
// e2e suite (test/e2e/upgrade.test.ts) runs it against a real API server.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
let dir: string;

/** A kubectl of version 1.`minor` that prints its arguments and $KUBECTL_APPLYSET when it applies. */
function fakeKubectl(minor: string, contextNamespace = ''): string {
  const file = path.join(dir, `kubectl-1.${minor}`);
  fs.writeFileSync(
    file,
    `#!/bin/sh
case "$1" in
  version) printf '{\\n  "clientVersion": {\\n    "major": "1",\\n    "minor": "${minor}"\\n  }\\n}\\n' ;;
  config) printf '%s' '${contextNamespace}' ;;
  *) echo "KUBECTL_APPLYSET=$KUBECTL_APPLYSET kubectl $*" ;;
esac
`,
    { mode: 0o755 },
  );
  return file;
}

function apply(kubectl: string, ...args: string[]) {
  return spawnSync('bash', ['tools/deploy/apply.sh', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, KUBECTL: kubectl },
  });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-sandbox-apply-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

test("prunes with kubectl's ApplySet, in the context's namespace", () => {
  const result = apply(fakeKubectl('32', 'team-a'));
  expect(result.status).toBe(0);
  expect(result.stdout).toBe(
    'KUBECTL_APPLYSET=true kubectl apply --prune --applyset=k8s-sandbox -f dist --namespace=team-a\n',
  );
});

test('in namespace default when the context names none; a directory and kubectl flags are passed on', () => {
  expect(apply(fakeKubectl('29')).stdout).toMatch(/ -f dist --namespace=default\n$/);
  const result = apply(fakeKubectl('29', 'team-a'), 'tools', '-n', 'team-b', '--dry-run=server');
  expect(result.stdout).toMatch(/ -f tools -n team-b --dry-run=server\n$/);
});

test('refuses kubectl 1.28, which cannot read the set a later kubectl writes', () => {
  const result = apply(fakeKubectl('28'));
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('needs kubectl 1.29 or later for --applyset (this is 1.28)');
  expect(result.stdout).toBe('');
});

test('refuses a directory that does not exist', () => {
  const result = apply(fakeKubectl('32'), 'no-such-dir');
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('no directory no-such-dir (run npm run synth first)');
});
