// Jest snapshot serializer: a value made by `manifestYaml()` (test/manifests.ts) is written
// to the .snap file as the raw YAML text, so a reviewer reads the same YAML that lands in
// dist/ and that kubectl applies, instead of an escaped string or a JSON dump.
const YAML_TEXT = Symbol.for('k8s-sandbox.yaml-text');

module.exports = {
  test: (value) => value !== null && typeof value === 'object' && YAML_TEXT in value,
  serialize: (value) => value[YAML_TEXT],
};
