// `npm run check [-- DIR]` as users and CI run it: every gate on a directory of manifests, one
// line per finding, exit code 0 (all pass), 1 (findings) or 2 (could not check).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { manifestDir, nginxDeployment, sandboxManifests } from './fixtures';

const root = path.resolve(__dirname, '../../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function check(dir: string) {
  dirs.push(dir);
  return spawnSync('node', ['-r', './scripts/ts-register.js', 'tools/check/main.ts', dir], {
    cwd: root,
    encoding: 'utf8',
  });
}

test('the sandbox passes every gate', () => {
  const result = check(manifestDir(sandboxManifests()));
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(
    /check: pod-security: ok.*\n.*check: schema 1\.27\.0: ok.*\n.*check: schema 1\.\d+\.\d+: ok/s,
  );
  expect(result.stderr).toContain('check: kube-score: ok');
  expect(result.stderr).toContain('check: all gates pass');
  expect(result.status).toBe(0);
});

test('a bad object fails every gate it breaks, each finding on a line with file, object and field', () => {
  const deployment = nginxDeployment();
  const container = deployment.spec.template.spec.containers[0];
  container.securityContext.allowPrivilegeEscalation = true;
  container.securityContext.runAsUsr = 0;
  delete container.resources;
  const dir = manifestDir({ 'bad.k8s.yaml': [deployment] });

  const result = check(dir);

  // Outside the working directory, so shown absolute.
  const file = path.join(dir, 'bad.k8s.yaml');
  const lines = result.stdout.trim().split('\n');
  expect(lines).toEqual(
    expect.arrayContaining([
      `pod-security: ${file} Deployment/nginx-deployment: spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation: must be false, is true [Privilege Escalation]`,
      `schema 1.27.0: ${file} Deployment/nginx-deployment: spec.template.spec.containers[0].securityContext: additional properties 'runAsUsr' not allowed`,
      expect.stringMatching(
        new RegExp(
          `^schema 1\\.\\d+\\.\\d+: ${file} Deployment/nginx-deployment: spec.template.spec.containers\\[0\\].securityContext: additional properties 'runAsUsr' not allowed$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^kube-score: ${file} Deployment/nginx-deployment: nginx: CRITICAL container-resources: CPU limit is not set`,
        ),
      ),
    ]),
  );
  expect(result.stderr).toMatch(/check: \d+ findings/);
  expect(result.status).toBe(1);
});

test('a gate that cannot read an object says so; the others still report, and the exit code is 2', () => {
  const deployment = nginxDeployment();
  deployment.spec.replicas = 'two';
  const result = check(manifestDir({ 'bad.k8s.yaml': [deployment] }));
  expect(result.stdout).toContain('Deployment/nginx-deployment: spec.replicas: got string, want integer');
  expect(result.stderr).toMatch(/check: kube-score: could not run: .*replicas/);
  expect(result.stderr).toContain('gates could not run');
  expect(result.status).toBe(2);
});

test('without manifests it says to synthesize them first', () => {
  const result = check(manifestDir({}));
  expect(result.stderr).toMatch(/no manifests \(\*\.yaml\) in .*: run `npm run synth` first/);
  expect(result.status).toBe(2);
});
