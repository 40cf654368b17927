// npm run lint:shell (a step of .ci/run's fast lane) fails a script with a warning.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../../common/process';
import { withTempDir } from '../../common/temp-dir';

const script = path.resolve(__dirname, '../shellcheck.sh');

test('a script with a warning fails, naming the file, the line and the check', async () => {
  await withTempDir('k8s-sandbox-shellcheck-', async (dir) => {
    const bad = path.join(dir, 'bad.sh');
    fs.writeFileSync(bad, '#!/usr/bin/env bash\nwords="a b"\nlist=($words)\necho "${list[@]}"\n');
    const result = await run('bash', [script, bad], { okExitCodes: [1] });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`In ${bad} line 3:`);
    expect(result.stdout).toContain('SC2206');
  });
});
