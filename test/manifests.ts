// Helpers for tests: synthesize charts as dist/ would hold them, and find objects in them.
import { type Chart, Testing, Yaml } from 'cdk8s';

const YAML_TEXT = Symbol.for('k8s-sandbox.yaml-text');

/** A synthesized Kubernetes object, as plain JSON. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are arbitrary JSON, checked by the tests.
  readonly spec?: any;
}

/** The chart's manifest file, exactly as `cdk8s synth` writes it, for `toMatchSnapshot()`. */
export function manifestYaml(chart: Chart): { readonly [YAML_TEXT]: string } {
  return { [YAML_TEXT]: Yaml.stringify(...Testing.synth(chart)) };
}

/** The chart's objects. */
export function synth(chart: Chart): Manifest[] {
  return Testing.synth(chart) as Manifest[];
}

/** The one object of `kind` named `name`; fails the test if there is not exactly one. */
export function findObject<T extends { readonly kind: string; readonly metadata: { readonly name: string } }>(
  manifests: readonly T[],
  kind: string,
  name: string,
): T {
  const matches = manifests.filter((m) => m.kind === kind && m.metadata.name === name);
  if (matches.length !== 1) {
    const present = manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ');
    throw new Error(`expected one ${kind}/${name}, found ${matches.length} among: ${present}`);
  }
  return matches[0] as T;
}
