// The corpus of the api-server gate (api-server/, one case a file, named after it; the .json
// file is a stream of two objects): what kube-apiserver says to creating each, line by line as
// `Kind/name: field: message`, or nothing when it takes the object. kit/pkg/check/test/api-server.test.ts
// checks the gate against this table; kit/lab/e2e/api-server-parity.test.ts checks the real API
// server against the gate, on the same files.
import * as path from 'node:path';
import type { Finding } from '../findings';

/** The folder of the corpus. */
export const CORPUS_DIR = path.join(__dirname, 'api-server');

/** `Kind/name: field: message` of a finding, as the table writes it. */
export function findingLine(finding: Finding): string {
  return `${finding.object}: ${finding.field === '' ? '' : `${finding.field}: `}${finding.message}`;
}

/** `text` with each UID as `<uid>`: the API server makes a new one for each object (a Job's selector shows it). */
export function withoutUids(text: string): string {
  return text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uid>');
}

/** Each case of the corpus: file name -> the API server's refusals (UIDs as `<uid>`); [] when it takes the object. */
export const CORPUS: Record<string, readonly string[]> = {
  'accepted-creation-timestamp-null.yaml': [],
  'accepted-crd-and-custom-resource.yaml': [],
  'accepted-custom-resource-named-like-deployment.yaml': [],
  'accepted-custom-resource-nullable.yaml': [],
  'accepted-deployment.yaml': [],
  'accepted-generate-name.yaml': [],
  'accepted-image-with-uppercase.yaml': [],
  'accepted-job.yaml': [],
  'accepted-pod.yaml': [],
  'accepted-pod-service-account-token-projection.yaml': [],
  'accepted-priorityclass-max-user-value.yaml': [],
  'accepted-privileged-container.yaml': [],
  'accepted-service-headless.yaml': [],
  'accepted-service-only-clusterip.yaml': [],
  'accepted-service-same-nodeport-two-protocols.yaml': [],
  'alpha-api-not-served.yaml': [
    'StorageVersionMigration/alpha-api: no matches for kind "StorageVersionMigration" in version "storagemigration.k8s.io/v1alpha1"',
  ],
  'apiservice-wrong-name-negative-priority.yaml': [
    'APIService/wrong: metadata.name: Invalid value: "wrong": must be `spec.version+"."+spec.group`: "v1.corpus.example.com"',
    'APIService/wrong: spec.groupPriorityMinimum: Invalid value: -1: must be positive and less than 20000',
  ],
  'configmap-key-invalid.yaml': [
    "ConfigMap/configmap-key-invalid: data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  ],
  'container-name-not-a-dns-label.yaml': [
    "Pod/container-name-not-a-dns-label: spec.containers[0].name: Invalid value: \"Side_Car\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ],
  'container-port-out-of-range.yaml': [
    'Pod/container-port-out-of-range: spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
  ],
  'cpu-request-over-limit.yaml': [
    'Pod/cpu-request-over-limit: spec.containers[0].resources.requests: Invalid value: "500m": must be less than or equal to cpu limit of 250m',
  ],
  'crd-name-not-plural-dot-group.yaml': [
    'CustomResourceDefinition/wrong-name: metadata.name: Invalid value: "wrong-name": must be spec.names.plural+"."+spec.group',
  ],
  'crd-two-storage-versions.yaml': [
    'CustomResourceDefinition/widgets.storage.corpus.example.com: spec.versions: Invalid value: [{"Name":"v1","Served":true,"Storage":true,"Deprecated":false,"DeprecationWarning":null,"Schema":null,"Subresources":null,"AdditionalPrinterColumns":null,"SelectableFields":null},{"Name":"v2","Served":true,"Storage":true,"Deprecated":false,"DeprecationWarning":null,"Schema":null,"Subresources":null,"AdditionalPrinterColumns":null,"SelectableFields":null}]: must have exactly one version marked as storage version',
    'CustomResourceDefinition/widgets.storage.corpus.example.com: status.storedVersions: Invalid value: ["v1"]: must have the storage version v2',
  ],
  'custom-resource-cel-rule.yaml': ['Widget/too-big: spec: Invalid value: "object": size must be at most 10'],
  'custom-resource-default-breaks-rule.yaml': [
    'Widget/over-default-max: spec: Invalid value: "object": size must be at most maxSize',
  ],
  'custom-resource-null-not-nullable.yaml': [
    'Widget/null-tag: spec.tags[1]: Invalid value: "null": spec.tags[1] in body must be of type string: "null"',
  ],
  'custom-resource-schema-type.yaml': [
    'Widget/wrong-types: spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1',
    'Widget/wrong-types: spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"',
  ],
  'custom-resource-unknown-field.yaml': [
    'Widget/unknown-field: Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.colour"',
  ],
  'custom-resource-version-not-served.yaml': [
    'Widget/unserved-version: no matches for kind "Widget" in version "versions.corpus.example.com/v2"',
  ],
  'deployment-rolling-update-zero-zero.yaml': [
    'Deployment/rolling-update-zero-zero: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
  ],
  'deployment-selector-does-not-match-template.yaml': [
    'Deployment/selector-mismatch: spec.template.metadata.labels: Invalid value: {"app":"api"}: `selector` does not match template `labels`',
  ],
  'duplicate-container-names.yaml': ['Pod/duplicate-container-names: spec.containers[1].name: Duplicate value: "main"'],
  'duplicate-mount-path.yaml': [
    'Pod/duplicate-mount-path: spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/var/cache/nginx": must be unique',
  ],
  'hpa-min-replicas-zero.yaml': [
    'HorizontalPodAutoscaler/min-replicas-zero: spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
    'HorizontalPodAutoscaler/min-replicas-zero: spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas',
  ],
  'ingress-path-type-invalid.yaml': [
    'Ingress/ingress-path-invalid: spec.rules[0].http.paths[0].path: Invalid value: "web": must be an absolute path',
  ],
  'init-container-name-collides.yaml': [
    'Deployment/init-container-name-collides: spec.template.spec.initContainers[0].name: Duplicate value: "fib-client"',
  ],
  'invalid-quantity.yaml': [
    'Pod/invalid-quantity: Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'',
  ],
  'job-restart-policy-always.yaml': [
    'Job/restart-always: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
  ],
  'job-selector-without-manual-selector.yaml': [
    'Job/selector-without-manual: spec.selector: Invalid value: {"matchLabels":{"app":"batch","batch.kubernetes.io/controller-uid":"<uid>"}}: `selector` not auto-generated',
  ],
  'json-stream-second-invalid.json': [
    "ConfigMap/stream_second: metadata.name: Invalid value: \"stream_second\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ],
  'label-value-invalid.yaml': [
    "ConfigMap/label-value-invalid: metadata.labels: Invalid value: \"web platform\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  ],
  'missing-image.yaml': ['Pod/missing-image: spec.containers[0].image: Required value'],
  'missing-name.yaml': ['ConfigMap/(no name): metadata.name: Required value: name or generateName is required'],
  'priorityclass-above-user-range.yaml': [
    'PriorityClass/above-user-range: value: Forbidden: maximum allowed value of a user defined priority is 1000000000',
  ],
  'priorityclass-int32-overflow.yaml': [
    'PriorityClass/int32-overflow: PriorityClass in version "v1" cannot be handled as a PriorityClass: json: cannot unmarshal number 3000000000 into Go struct field PriorityClass.value of type int32',
  ],
  'removed-api-version.yaml': ['Ingress/removed-api: no matches for kind "Ingress" in version "extensions/v1beta1"'],
  'secret-data-not-base64.yaml': [
    'Secret/secret-not-base64: Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3',
  ],
  'service-clusterip-outside-range.yaml': [
    'Service/clusterip-outside-range: spec.clusterIPs: Invalid value: ["10.200.0.10"]: failed to allocate IP 10.200.0.10: the provided network does not match the current range',
  ],
  'service-clusterip-taken.yaml': [
    'Service/clusterip-taker: spec.clusterIPs: Invalid value: ["10.96.0.61"]: failed to allocate IP 10.96.0.61: provided IP is already allocated',
  ],
  'service-duplicate-nodeport.yaml': [
    'Service/duplicate-nodeport: spec.ports[1].nodePort: Invalid value: 32015: provided port is already allocated',
  ],
  'service-healthchecknodeport-outside-range.yaml': [
    'Service/healthcheck-outside-range: failed to allocate requested HealthCheck NodePort 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
  ],
  'service-healthchecknodeport-own-nodeport.yaml': [
    'Service/healthcheck-own-nodeport: failed to allocate requested HealthCheck NodePort 32121: provided port is already allocated',
  ],
  'service-healthchecknodeport-taken.yaml': [
    'Service/healthcheck-taker: failed to allocate requested HealthCheck NodePort 32120: provided port is already allocated',
  ],
  'service-nodeport-on-clusterip.yaml': [
    "Service/nodeport-on-clusterip: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
  ],
  'service-nodeport-outside-range.yaml': [
    'Service/nodeport-outside-range: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
  ],
  'sidecar-ephemeral-storage-request-over-limit.yaml': [
    'Deployment/sidecar-storage-over-limit: spec.template.spec.containers[1].resources.requests: Invalid value: "2Gi": must be less than or equal to ephemeral-storage limit of 128Mi',
  ],
  'unknown-field.yaml': [
    'Pod/unknown-field: Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagePullPolcy"',
  ],
};
