// The toolkit's kubectl: the target's flags go before the command's arguments, and stdin always
// ends, so a kubectl that reads it (a prompt for credentials) never waits. A stand-in kubectl on
// PATH prints its arguments and then copies its stdin, which returns only once stdin ends.
// (PATH goes in the env given: Jest's process.env is the test's own copy, not the process's.)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kubectl, kubectlFlags, kubectlSync } from '../kubectl';
import { withTempDir } from '../temp-dir';

async function withFakeKubectl(work: (env: NodeJS.ProcessEnv) => Promise<void>): Promise<void> {
  await withTempDir('k8s-sandbox-kubectl-', async (dir) => {
    fs.writeFileSync(path.join(dir, 'kubectl'), '#!/bin/sh\necho "$@"\ncat\n', { mode: 0o755 });
    await work({ ...process.env, PATH: `${dir}${path.delimiter}${process.env.PATH}` });
  });
}

test('the flags name only what the target sets, as kubectl spells them', () => {
  expect(kubectlFlags({})).toEqual([]);
  expect(kubectlFlags({ kubeconfig: '/k', context: 'c' })).toEqual(['--kubeconfig=/k', '--context=c']);
});

test('kubectl gets the target flags first, and a stdin that ends', async () => {
  await withFakeKubectl(async (env) => {
    const result = await kubectl(['get', 'pods'], { target: { context: 'team-a' }, env });
    expect(result.stdout).toBe('--context=team-a get pods\n');
    expect((await kubectl(['apply', '-f', '-'], { input: 'manifest', env })).stdout).toBe('apply -f -\nmanifest');
  });
}, 10_000);

test('kubectlSync returns the exit and output, with a stdin that ends', async () => {
  await withFakeKubectl(async (env) => {
    expect(kubectlSync(['version'], { env })).toEqual({
      args: ['version'],
      status: 0,
      stdout: 'version\n',
      stderr: '',
    });
  });
}, 10_000);
