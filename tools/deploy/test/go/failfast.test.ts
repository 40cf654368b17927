// The fail-fast rule of `npm run apply` (tools/deploy/failfast.go) is Go, beside the watcher
// that applies it; its table of pod observations is a Go test, run here with `go test` so that
// `npm run test:check` fails when the rule does. The first run on a machine compiles the
// watcher's dependencies (client-go, kstatus): a few minutes.
import * as path from 'node:path';
import { go } from '../../../common/go-tools';

test('go test in tools/deploy: the fail-fast rule table passes', async () => {
  const result = await go(['test', '-count=1', '-run', 'TestRule|TestReasons|TestUnschedulable', '.'], {
    cwd: path.resolve(__dirname, '../..'),
    okExitCodes: [1],
  });
  expect(`${result.stdout}${result.stderr}`).toMatch(/^ok\s/m);
  expect(result.code).toBe(0);
}, 900_000);
