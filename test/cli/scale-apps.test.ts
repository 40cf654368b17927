// `npm run bench` times apps/scale-app.ts against kit/lab/bench/cdk8s-scale-app.ts, which builds the
// same objects from cdk8s-plus-27 alone: the comparison holds only while both write the same
// kinds of object, as many, per pair.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { withTempDir } from 'k8s-sandbox-kit/testing';

const root = path.resolve(__dirname, '../..');

/** The kinds each manifest file holds, sorted, when `app` synthesizes two pairs in `shape`. */
function kindsPerFile(app: string, shape: string): Promise<Record<string, string[]>> {
  return withTempDir('k8s-sandbox-scale-app-', async (outdir) => {
    const result = spawnSync('node', ['-r', './kit/pkg/loader/ts-register.js', app], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, PAIRS: '2', SHAPE: shape, CDK8S_OUTDIR: outdir },
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ pairs: 2, shape });
    return Object.fromEntries(
      fs.readdirSync(outdir).map((file) => {
        const documents = YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, file), 'utf8'));
        return [file, documents.map((document) => (document.toJS() as { kind: string }).kind).sort()];
      }),
    );
  });
}

test.each(['chart-per-pair', 'one-chart'])(
  'in the %s shape, the control writes what the scale app writes',
  async (shape) => {
    const sandbox = await kindsPerFile('apps/scale-app.ts', shape);
    expect(Object.keys(sandbox)).toHaveLength(shape === 'one-chart' ? 1 : 2);
    expect(Object.values(sandbox)[0]).toHaveLength(shape === 'one-chart' ? 12 : 6);
    expect(await kindsPerFile('kit/lab/bench/cdk8s-scale-app.ts', shape)).toEqual(sandbox);
  },
);
