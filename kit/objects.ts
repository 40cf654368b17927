// The kit's library for code that builds Kubernetes objects, such as an app's constructs:
// `import { ... } from 'k8s-sandbox-kit/objects'`. Everything else under kit/ is the kit's own.
//   - where `kubectl apply` puts an object, and which objects are one object to the API server
//     (the scope of each built-in kind as Kubernetes answers it, kit/pkg/common/scope.ts);
//   - label selection, pod templates and selectors as Kubernetes reads them (kit/pkg/common/kube.ts).
export {
  type KubeObject,
  type LabelSelector,
  getPath,
  labelSelector,
  podSelector,
  podTemplate,
  selects,
} from './pkg/common/kube';
export {
  DEFAULT_NAMESPACE,
  type DeclaredScopes,
  type Scope,
  declaredScopes,
  kindScope,
  placedNamespace,
} from './pkg/common/scope';
