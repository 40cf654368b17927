// The manifests the tools' tests start from: kit/pkg/common/test/sandbox/, a copy of the dist/ that
// `npm run synth` wrote for the K8S Sandbox (a Pod, a NodePort Service, a Deployment, a
// PodDisruptionBudget and two NetworkPolicies). A fixture, not the app: the tools are tested on
// manifests alone, so they work on any cdk8s app, and a change of the app changes none of them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KubeObject } from '../kube';
import { readManifests } from '../manifests';

/** The fixture folder, laid out as dist/ (one `*.k8s.yaml` file per chart). */
export const SANDBOX_DIR = path.join(__dirname, 'sandbox');

/** Each file of the fixture and its objects, fresh copies each call. */
export function sandboxFiles(): Record<string, KubeObject[]> {
  return Object.fromEntries(
    fs
      .readdirSync(SANDBOX_DIR)
      .sort()
      .map((name) => [name, readManifests(path.join(SANDBOX_DIR, name))]),
  );
}

/** Every object of the fixture, in file order, fresh copies each call. */
export function sandboxObjects(): KubeObject[] {
  return readManifests(SANDBOX_DIR);
}
