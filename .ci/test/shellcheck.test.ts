// npm run lint:shell (a step of .ci/run's fast lane) fails a script with a warning.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../../kit/pkg/common/process';
import { withTempDir } from '../../kit/pkg/common/temp-dir';

const script = path.resolve(__dirname, '../shellcheck.sh');

test('a script with a warning fails, naming the file, the line and the check', async () => {
  await withTempDir('k8s-sandbox-shellcheck-', async (dir) => {
    const bad = path.join(dir, 'bad.sh');
    fs.writeFileSync(bad, '#!/usr/bin/env bash\nwords="a b"\nlist=($words)\necho "${list[@]}"\n', { mode: 0o755 });
    const result = await run('bash', [script, bad], { okExitCodes: [1] });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`In ${bad} line 3:`);
    expect(result.stdout).toContain('SC2206');
  });
});

test('a script that starts with #! but is not executable fails, naming it and the two ways out', async () => {
  await withTempDir('k8s-sandbox-shellcheck-', async (dir) => {
    const command = path.join(dir, 'command.sh');
    const sourced = path.join(dir, 'sourced.sh');
    fs.writeFileSync(command, '#!/usr/bin/env bash\necho ok\n', { mode: 0o644 });
    fs.writeFileSync(sourced, '# shellcheck shell=bash\necho ok\n', { mode: 0o644 });
    const result = await run('bash', [script, command, sourced], { okExitCodes: [1] });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`these start with #! but are not executable: ${command}\n`);
    expect(result.stderr).toContain('chmod +x');
    fs.chmodSync(command, 0o755);
    const fixed = await run('bash', [script, command, sourced]);
    expect(fixed.stdout).toContain('2 scripts pass shellcheck');
  });
});
