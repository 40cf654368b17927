// The scope of each kind the API server serves by default, for `kube-rules kinds`: Namespaced or
// Cluster, as its registry strategy's NamespaceScoped() answers, the one thing the API server
// reads to decide whether an object lives in a namespace (rest.BeforeCreate clears the namespace
// of a cluster-scoped object). The toolkit and the constructs key objects by it
// (kit/pkg/common/kube-scopes.json, written from this answer).
package main

import (
	"reflect"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
)

func scopeName(namespaced bool) string {
	if namespaced {
		return "Namespaced"
	}
	return "Cluster"
}

// kindScopes maps every kind of a group version served by default that has a registry strategy
// (`Kind` for the core group, `Kind.group` for others) to its scope.
func kindScopes(v *validator) map[string]string {
	scopes := map[string]string{}
	// The extension servers' kinds (crd.go): CustomResourceDefinition and APIService.
	for gvk, kind := range v.extensions.kinds {
		scopes[gvk.GroupKind().String()] = scopeName(kind.strategy.NamespaceScoped())
	}
	for gvk := range legacyscheme.Scheme.AllKnownTypes() {
		if !servedByDefault[gvk.GroupVersion()] {
			continue
		}
		internal, err := legacyscheme.Scheme.New(gvk.GroupKind().WithVersion(runtime.APIVersionInternal))
		if err != nil {
			continue
		}
		if strategy, ok := v.byType[reflect.TypeOf(internal)]; ok {
			scopes[gvk.GroupKind().String()] = scopeName(strategy.NamespaceScoped())
		}
	}
	return scopes
}
