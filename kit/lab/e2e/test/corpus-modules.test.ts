// What kit/lab/e2e/corpus-modules.ts takes from a module as a manifest of the corpus, and how it
// names a module's licence.
import { licenceOf, notAManifest } from '../corpus-modules';

test('a file whose every document is an object with apiVersion and kind is a manifest', () => {
  const text =
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n{"apiVersion": "v1", "kind": "List", "items": []}\n';
  expect(notAManifest(text)).toBeUndefined();
});

test('templates, text that is not YAML, other documents and configuration files are not', () => {
  expect(notAManifest('apiVersion: v1\nkind: Service\nspec:\n  clusterIP: {{ pillar["dns_server"] }}\n')).toBe(
    'a template',
  );
  expect(notAManifest('apiVersion: v1\nkind: Service\nspec: {clusterIP: __PILLAR__DNS__SERVER__}\n')).toBe(
    'a template',
  );
  expect(notAManifest('apiVersion: v1\nkind: [\n')).toBe('not YAML');
  expect(notAManifest('---\n')).toBe('empty');
  expect(notAManifest('apiVersion: v1\nkind: Pod\n---\nname: values\n')).toBe(
    'holds something other than objects with apiVersion and kind',
  );
  expect(notAManifest('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n')).toBe(
    'a configuration file (kustomize.config.k8s.io/v1beta1), not an object for the API server',
  );
  expect(notAManifest('apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\n')).toBe(
    'a configuration file (apiserver.config.k8s.io/v1), not an object for the API server',
  );
  expect(notAManifest('apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\n')).toBe(
    'a configuration file (kind.x-k8s.io/v1alpha4), not an object for the API server',
  );
});

test('a licence is Apache-2.0 or MIT by its text, and any other is refused, saying which are known', () => {
  expect(
    licenceOf(
      '\n                                 Apache License\n                           Version 2.0, January 2004\n',
    ),
  ).toBe('Apache-2.0');
  expect(licenceOf('MIT License\n\nCopyright (c) 2020 someone\n')).toBe('MIT');
  expect(() => licenceOf('GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n')).toThrow(
    'its LICENSE is neither Apache-2.0 nor MIT: name its licence here before taking its files',
  );
});
