// The image reference parser of lib/image-reference.ts against the one the kubelet runs,
// github.com/distribution/reference (kube-rules image-reference, pinned to the version
// Kubernetes' own go.mod takes at the release the cluster scripts build): the same verdict, tag,
// digest and error text on every reference of image-references.json and on every combination of
// a few hosts, paths, tags and digests. A release that changes the grammar fails here.
import * as path from 'node:path';
import { binaryPath, goModuleVersion, run, toolModuleDir } from 'k8s-sandbox-kit/testing';
import { parseImageReference } from '../../lib/image-reference';
import fixtures from './image-references.json';

const HEX_64 = 'f7988fb6c02e0ce69257d9bd9cf37ae20a60f1df7563c3a2a6abe24160306b8d';
const HOSTS = ['', 'localhost/', 'localhost:5000/', 'Example.com/', 'ex_ample.com/', '[::1]:5000/', 'index.docker.io/'];
const PATHS = ['nginx', 'team/app', 'Team/app', 'a__b/c--d', 'a-/b', HEX_64, `team/${HEX_64}`];
const TAGS = ['', ':latest', ':1.14.2', ':Latest', ':-x', ':'];
const DIGESTS = ['', `@sha256:${HEX_64}`, `@sha256:${HEX_64.toUpperCase()}`, `@sha512:${HEX_64}`, `@md5:${HEX_64}`];

const combinations = HOSTS.flatMap((host) =>
  PATHS.flatMap((repository) => TAGS.flatMap((tag) => DIGESTS.map((digest) => `${host}${repository}${tag}${digest}`))),
);
const images = [...new Set([...fixtures, ...combinations])];

test('kube-rules parses with the distribution/reference of the Kubernetes release the cluster scripts build', async () => {
  const module = 'github.com/distribution/reference';
  const cluster = await goModuleVersion(path.join(toolModuleDir('kube-rules'), '../../cluster/kube'), module);
  expect((await goModuleVersion(toolModuleDir('kube-rules'), module)).version).toBe(cluster.version);
});

test(`lib/image-reference.ts parses ${images.length} image references as the kubelet does`, async () => {
  const { stdout } = await run(binaryPath('kube-rules'), ['image-reference'], { input: JSON.stringify(images) });
  const kubelet: unknown[] = JSON.parse(stdout);
  const mismatches = images.flatMap((image, i) => {
    const ours = parseImageReference(image);
    return JSON.stringify(ours) === JSON.stringify(kubelet[i]) ? [] : [{ image, ours, kubelet: kubelet[i] }];
  });
  expect(mismatches).toEqual([]);
  // Both verdicts occur: the fixtures would catch a parser that accepts or refuses everything.
  const refused = kubelet.filter((answer) => Object.hasOwn(answer as object, 'error')).length;
  expect(refused).toBeGreaterThan(100);
  expect(images.length - refused).toBeGreaterThan(100);
});
