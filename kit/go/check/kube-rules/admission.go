// admission.go: the mutating admission every cluster runs on a create, where it changes what
// validation then sees. kube-apiserver's default plugins (k8s.io/kubernetes
// pkg/kubeapiserver/options/plugins.go, DefaultOffAdmissionPlugins' defaultOnPlugins), one by one:
//
//	ServiceAccount            run (Pods): sets serviceAccountName to "default", mounts the
//	                          projected token volume, copies the account's imagePullSecrets;
//	                          validation refuses a serviceAccountToken projection without an account
//	DefaultTolerationSeconds  run (Pods): adds the not-ready and unreachable tolerations (300 s);
//	                          flags only, no cluster state
//	LimitRanger               not run: defaults requests and limits from the namespace's
//	                          LimitRanges, which are the cluster's
//	Priority                  not run: reads the PriorityClasses the cluster holds
//	RuntimeClass              not run: reads the RuntimeClass the cluster holds (its overhead)
//	DefaultStorageClass, DefaultIngressClass
//	                          not run: read the cluster's default class; validation takes a
//	                          claim or an Ingress without one
//	TaintNodesByCondition     not run: taints a new Node, which no manifest here creates
//	StorageObjectInUseProtection
//	                          not run: adds a finalizer validation takes as it is
//	PodTopologyLabels         not run: acts on pods/binding, never on a create of a manifest
//	NamespaceLifecycle, ResourceQuota, PodSecurity (the pod-security gate), the Certificate* and
//	ClusterTrustBundleAttest plugins, the webhooks and admission policies
//	                          not run: they refuse or allow from cluster state or the requester,
//	                          and change nothing validation reads
package main

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/admission"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	api "k8s.io/kubernetes/pkg/apis/core"
	"k8s.io/kubernetes/plugin/pkg/admission/defaulttolerationseconds"
	"k8s.io/kubernetes/plugin/pkg/admission/serviceaccount"
)

// offlineClientset is the client the ServiceAccount plugin asks when its lister lacks an
// account. kube-rules never lets it lack one (admit puts the pod's account in first), so no
// method is ever called; it has none, and reaches no cluster.
type offlineClientset struct {
	kubernetes.Interface
}

// mutatingAdmission is the chain of the plugins run, in kube-apiserver's order
// (AllOrderedPlugins), and the ServiceAccounts its lister holds.
type mutatingAdmission struct {
	chain           admission.MutationInterface
	serviceAccounts cache.Indexer
}

func newMutatingAdmission() (*mutatingAdmission, error) {
	client := offlineClientset{}
	// The informer is never started: its store holds what admit puts there, and nothing else.
	factory := informers.NewSharedInformerFactory(client, 0)
	accounts := serviceaccount.NewServiceAccount()
	accounts.SetExternalKubeClientSet(client)
	accounts.SetExternalKubeInformerFactory(factory)
	accounts.SetReadyFunc(func() bool { return true })
	tolerations := defaulttolerationseconds.NewDefaultTolerationSeconds()
	tolerations.InspectFeatureGates(utilfeature.DefaultFeatureGate)
	for _, plugin := range []admission.InitializationValidator{accounts, tolerations} {
		if err := plugin.ValidateInitialization(); err != nil {
			return nil, err
		}
	}
	return &mutatingAdmission{
		chain:           admission.NewChainHandler(accounts, tolerations),
		serviceAccounts: factory.Core().V1().ServiceAccounts().Informer().GetIndexer(),
	}, nil
}

// knowServiceAccount adds a ServiceAccount the run created to what the plugin's lister holds,
// so that a later Pod of the folder gets its automount setting and imagePullSecrets.
func (m *mutatingAdmission) knowServiceAccount(obj runtime.Object, namespace string) error {
	internal, ok := obj.(*api.ServiceAccount)
	if !ok {
		return nil
	}
	account := &corev1.ServiceAccount{}
	if err := legacyscheme.Scheme.Convert(internal, account, nil); err != nil {
		return err
	}
	account.Namespace = namespace
	return m.serviceAccounts.Update(account)
}

// admit runs the chain on a Pod's create, as the create handler does before the storage's
// create. The account the Pod names (or "default") is taken to exist: offline there is no
// cluster to ask, and the namespace's default one is made by the ServiceAccount controller. One
// the folder created is used as it is.
func (m *mutatingAdmission) admit(ctx context.Context, obj runtime.Object, namespace string) error {
	pod, ok := obj.(*api.Pod)
	if !ok {
		return nil
	}
	name := pod.Spec.ServiceAccountName
	if name == "" {
		name = serviceaccount.DefaultServiceAccountName
	}
	if _, exists, err := m.serviceAccounts.GetByKey(namespace + "/" + name); err != nil {
		return err
	} else if !exists {
		if err := m.serviceAccounts.Add(&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}}); err != nil {
			return err
		}
	}
	userInfo, _ := genericapirequest.UserFrom(ctx)
	attributes := admission.NewAttributesRecord(pod, nil, api.Kind("Pod").WithVersion("v1"), namespace, pod.Name,
		api.Resource("pods").WithVersion("v1"), "", admission.Create, &metav1.CreateOptions{}, false, userInfo)
	return m.chain.Admit(ctx, attributes, admission.NewObjectInterfacesFromScheme(legacyscheme.Scheme))
}
