// kube-rules validate: the API server's own create path for built-in kinds, offline. For each
// object it does what kube-apiserver does to a create request (k8s.io/apiserver
// pkg/endpoints/handlers/create.go, then pkg/registry/generic/registry/store.go's create), in its
// order: decode the JSON strictly (as kubectl's default --validate=strict asks), default it and
// convert it to the internal version with legacyscheme.Codecs; the mutating admission every
// cluster runs where validation sees it (admission.go: ServiceAccount and DefaultTolerationSeconds
// on Pods, and why the other default plugins are not run); the system fields; the storage's
// BeginCreate (service.go: the Service storage's normalizeClusterIPs and its clusterIP, nodePort
// and healthCheckNodePort allocation, shared by the objects of one run as by Services created one
// after another); then rest.BeforeCreate with the resource's own registry strategy
// (PrepareForCreate, Validate, object-meta validation). kube-apiserver's flags that change the
// answers are validate's: --allow-privileged (capabilities.Setup; default true, as kubeadm and kind
// set it) and --service-cluster-ip-range (default kubeadm's 10.96.0.0/12). The messages are the
// API server's, field by field. A group legacyscheme does not know goes to crd.go: the extension
// servers' CustomResourceDefinition and APIService take the same path with their own scheme and
// strategy, and a custom resource is checked against its CustomResourceDefinition in the same
// run, or noted as unchecked when that is not in the run. What it cannot see is what reads the
// cluster's state: validating admission and quotas, objects that must exist, what other objects
// of the cluster hold.
//
// kube-rules kinds lists what the table below (and crd.go's) covers, so that a test fails when a
// release adds a kind that it lacks.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/authentication/user"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/capabilities"

	// The API groups kube-apiserver installs (k8s.io/kubernetes pkg/controlplane/import_known_versions.go).
	_ "k8s.io/kubernetes/pkg/apis/admission/install"
	_ "k8s.io/kubernetes/pkg/apis/admissionregistration/install"
	_ "k8s.io/kubernetes/pkg/apis/apiserverinternal/install"
	_ "k8s.io/kubernetes/pkg/apis/apps/install"
	_ "k8s.io/kubernetes/pkg/apis/authentication/install"
	_ "k8s.io/kubernetes/pkg/apis/authorization/install"
	_ "k8s.io/kubernetes/pkg/apis/autoscaling/install"
	_ "k8s.io/kubernetes/pkg/apis/batch/install"
	_ "k8s.io/kubernetes/pkg/apis/certificates/install"
	_ "k8s.io/kubernetes/pkg/apis/coordination/install"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	_ "k8s.io/kubernetes/pkg/apis/discovery/install"
	_ "k8s.io/kubernetes/pkg/apis/events/install"
	_ "k8s.io/kubernetes/pkg/apis/extensions/install"
	_ "k8s.io/kubernetes/pkg/apis/flowcontrol/install"
	_ "k8s.io/kubernetes/pkg/apis/imagepolicy/install"
	_ "k8s.io/kubernetes/pkg/apis/networking/install"
	_ "k8s.io/kubernetes/pkg/apis/node/install"
	_ "k8s.io/kubernetes/pkg/apis/policy/install"
	_ "k8s.io/kubernetes/pkg/apis/rbac/install"
	_ "k8s.io/kubernetes/pkg/apis/resource/install"
	_ "k8s.io/kubernetes/pkg/apis/scheduling/install"
	_ "k8s.io/kubernetes/pkg/apis/storage/install"
	_ "k8s.io/kubernetes/pkg/apis/storagemigration/install"

	"k8s.io/kubernetes/pkg/registry/admissionregistration/mutatingadmissionpolicy"
	"k8s.io/kubernetes/pkg/registry/admissionregistration/mutatingadmissionpolicybinding"
	"k8s.io/kubernetes/pkg/registry/admissionregistration/mutatingwebhookconfiguration"
	"k8s.io/kubernetes/pkg/registry/admissionregistration/validatingadmissionpolicy"
	"k8s.io/kubernetes/pkg/registry/admissionregistration/validatingadmissionpolicybinding"
	"k8s.io/kubernetes/pkg/registry/admissionregistration/validatingwebhookconfiguration"
	"k8s.io/kubernetes/pkg/registry/apiserverinternal/storageversion"
	"k8s.io/kubernetes/pkg/registry/apps/controllerrevision"
	"k8s.io/kubernetes/pkg/registry/apps/daemonset"
	"k8s.io/kubernetes/pkg/registry/apps/deployment"
	"k8s.io/kubernetes/pkg/registry/apps/replicaset"
	"k8s.io/kubernetes/pkg/registry/apps/statefulset"
	"k8s.io/kubernetes/pkg/registry/autoscaling/horizontalpodautoscaler"
	"k8s.io/kubernetes/pkg/registry/batch/cronjob"
	"k8s.io/kubernetes/pkg/registry/batch/job"
	"k8s.io/kubernetes/pkg/registry/certificates/certificates"
	"k8s.io/kubernetes/pkg/registry/certificates/clustertrustbundle"
	"k8s.io/kubernetes/pkg/registry/certificates/podcertificaterequest"
	"k8s.io/kubernetes/pkg/registry/coordination/lease"
	"k8s.io/kubernetes/pkg/registry/coordination/leasecandidate"
	"k8s.io/kubernetes/pkg/registry/core/configmap"
	"k8s.io/kubernetes/pkg/registry/core/endpoint"
	"k8s.io/kubernetes/pkg/registry/core/event"
	"k8s.io/kubernetes/pkg/registry/core/limitrange"
	"k8s.io/kubernetes/pkg/registry/core/namespace"
	"k8s.io/kubernetes/pkg/registry/core/node"
	"k8s.io/kubernetes/pkg/registry/core/persistentvolume"
	"k8s.io/kubernetes/pkg/registry/core/persistentvolumeclaim"
	podregistry "k8s.io/kubernetes/pkg/registry/core/pod"
	"k8s.io/kubernetes/pkg/registry/core/podtemplate"
	"k8s.io/kubernetes/pkg/registry/core/replicationcontroller"
	"k8s.io/kubernetes/pkg/registry/core/resourcequota"
	"k8s.io/kubernetes/pkg/registry/core/secret"
	"k8s.io/kubernetes/pkg/registry/core/service"
	"k8s.io/kubernetes/pkg/registry/core/serviceaccount"
	"k8s.io/kubernetes/pkg/registry/discovery/endpointslice"
	"k8s.io/kubernetes/pkg/registry/flowcontrol/flowschema"
	"k8s.io/kubernetes/pkg/registry/flowcontrol/prioritylevelconfiguration"
	"k8s.io/kubernetes/pkg/registry/networking/ingress"
	"k8s.io/kubernetes/pkg/registry/networking/ingressclass"
	"k8s.io/kubernetes/pkg/registry/networking/ipaddress"
	"k8s.io/kubernetes/pkg/registry/networking/networkpolicy"
	"k8s.io/kubernetes/pkg/registry/networking/servicecidr"
	"k8s.io/kubernetes/pkg/registry/node/runtimeclass"
	"k8s.io/kubernetes/pkg/registry/policy/poddisruptionbudget"
	"k8s.io/kubernetes/pkg/registry/rbac/clusterrole"
	"k8s.io/kubernetes/pkg/registry/rbac/clusterrolebinding"
	"k8s.io/kubernetes/pkg/registry/rbac/role"
	"k8s.io/kubernetes/pkg/registry/rbac/rolebinding"
	"k8s.io/kubernetes/pkg/registry/resource/deviceclass"
	"k8s.io/kubernetes/pkg/registry/resource/devicetaintrule"
	"k8s.io/kubernetes/pkg/registry/resource/resourceclaim"
	"k8s.io/kubernetes/pkg/registry/resource/resourceclaimtemplate"
	"k8s.io/kubernetes/pkg/registry/resource/resourceslice"
	"k8s.io/kubernetes/pkg/registry/scheduling/priorityclass"
	"k8s.io/kubernetes/pkg/registry/storage/csidriver"
	"k8s.io/kubernetes/pkg/registry/storage/csinode"
	"k8s.io/kubernetes/pkg/registry/storage/csistoragecapacity"
	"k8s.io/kubernetes/pkg/registry/storage/storageclass"
	"k8s.io/kubernetes/pkg/registry/storage/volumeattachment"
	"k8s.io/kubernetes/pkg/registry/storage/volumeattributesclass"
	"k8s.io/kubernetes/pkg/registry/storagemigration/storagemigration"
)

// offlineNamespaces stands for the namespaces a ResourceClaim's admin access is checked against
// (the API server reads the namespace's labels from storage): offline there is none to read.
type offlineNamespaces struct {
	corev1client.NamespaceInterface
}

func (offlineNamespaces) Get(context.Context, string, metav1.GetOptions) (*corev1.Namespace, error) {
	return nil, errors.New("kube-rules validate runs offline and reads no namespace; the API server reads its labels")
}

// The registry strategy of each stored kind, as its REST storage in k8s.io/kubernetes
// pkg/registry/<group>/<resource>/storage sets CreateStrategy. Keyed by the internal kind; a
// kind that several groups serve (extensions' Deployment, events.k8s.io's Event) shares the
// internal type and so the strategy. The policies' authorizer is nil: the API server only asks
// it whether the requester may read the paramKind, a question about the user, not the object.
func createStrategies() map[schema.GroupKind]rest.RESTCreateStrategy {
	return map[schema.GroupKind]rest.RESTCreateStrategy{
		{Group: "", Kind: "ConfigMap"}:                                                    configmap.Strategy,
		{Group: "", Kind: "Endpoints"}:                                                    endpoint.Strategy,
		{Group: "", Kind: "Event"}:                                                        event.Strategy,
		{Group: "", Kind: "LimitRange"}:                                                   limitrange.Strategy,
		{Group: "", Kind: "Namespace"}:                                                    namespace.Strategy,
		{Group: "", Kind: "Node"}:                                                         node.Strategy,
		{Group: "", Kind: "PersistentVolume"}:                                             persistentvolume.Strategy,
		{Group: "", Kind: "PersistentVolumeClaim"}:                                        persistentvolumeclaim.Strategy,
		{Group: "", Kind: "Pod"}:                                                          podregistry.Strategy,
		{Group: "", Kind: "PodTemplate"}:                                                  podtemplate.Strategy,
		{Group: "", Kind: "ReplicationController"}:                                        replicationcontroller.Strategy,
		{Group: "", Kind: "ResourceQuota"}:                                                resourcequota.Strategy,
		{Group: "", Kind: "Secret"}:                                                       secret.Strategy,
		{Group: "", Kind: "Service"}:                                                      service.Strategy,
		{Group: "", Kind: "ServiceAccount"}:                                               serviceaccount.Strategy,
		{Group: "admissionregistration.k8s.io", Kind: "MutatingAdmissionPolicy"}:          mutatingadmissionpolicy.NewStrategy(nil, nil),
		{Group: "admissionregistration.k8s.io", Kind: "MutatingAdmissionPolicyBinding"}:   mutatingadmissionpolicybinding.NewStrategy(nil, nil, nil),
		{Group: "admissionregistration.k8s.io", Kind: "MutatingWebhookConfiguration"}:     mutatingwebhookconfiguration.Strategy,
		{Group: "admissionregistration.k8s.io", Kind: "ValidatingAdmissionPolicy"}:        validatingadmissionpolicy.NewStrategy(nil, nil),
		{Group: "admissionregistration.k8s.io", Kind: "ValidatingAdmissionPolicyBinding"}: validatingadmissionpolicybinding.NewStrategy(nil, nil, nil),
		{Group: "admissionregistration.k8s.io", Kind: "ValidatingWebhookConfiguration"}:   validatingwebhookconfiguration.Strategy,
		{Group: "internal.apiserver.k8s.io", Kind: "StorageVersion"}:                      storageversion.Strategy,
		{Group: "apps", Kind: "ControllerRevision"}:                                       controllerrevision.Strategy,
		{Group: "apps", Kind: "DaemonSet"}:                                                daemonset.Strategy,
		{Group: "apps", Kind: "Deployment"}:                                               deployment.Strategy,
		{Group: "apps", Kind: "ReplicaSet"}:                                               replicaset.Strategy,
		{Group: "apps", Kind: "StatefulSet"}:                                              statefulset.Strategy,
		{Group: "autoscaling", Kind: "HorizontalPodAutoscaler"}:                           horizontalpodautoscaler.Strategy,
		{Group: "batch", Kind: "CronJob"}:                                                 cronjob.Strategy,
		{Group: "batch", Kind: "Job"}:                                                     job.Strategy,
		{Group: "certificates.k8s.io", Kind: "CertificateSigningRequest"}:                 certificates.Strategy,
		{Group: "certificates.k8s.io", Kind: "ClusterTrustBundle"}:                        clustertrustbundle.Strategy,
		{Group: "certificates.k8s.io", Kind: "PodCertificateRequest"}:                     podcertificaterequest.NewStrategy(),
		{Group: "coordination.k8s.io", Kind: "Lease"}:                                     lease.Strategy,
		{Group: "coordination.k8s.io", Kind: "LeaseCandidate"}:                            leasecandidate.Strategy,
		{Group: "discovery.k8s.io", Kind: "EndpointSlice"}:                                endpointslice.Strategy,
		{Group: "flowcontrol.apiserver.k8s.io", Kind: "FlowSchema"}:                       flowschema.Strategy,
		{Group: "flowcontrol.apiserver.k8s.io", Kind: "PriorityLevelConfiguration"}:       prioritylevelconfiguration.Strategy,
		{Group: "networking.k8s.io", Kind: "IPAddress"}:                                   ipaddress.Strategy,
		{Group: "networking.k8s.io", Kind: "Ingress"}:                                     ingress.Strategy,
		{Group: "networking.k8s.io", Kind: "IngressClass"}:                                ingressclass.Strategy,
		{Group: "networking.k8s.io", Kind: "NetworkPolicy"}:                               networkpolicy.Strategy,
		{Group: "networking.k8s.io", Kind: "ServiceCIDR"}:                                 servicecidr.Strategy,
		{Group: "node.k8s.io", Kind: "RuntimeClass"}:                                      runtimeclass.Strategy,
		{Group: "policy", Kind: "PodDisruptionBudget"}:                                    poddisruptionbudget.Strategy,
		{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}:                         clusterrole.Strategy,
		{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"}:                  clusterrolebinding.Strategy,
		{Group: "rbac.authorization.k8s.io", Kind: "Role"}:                                role.Strategy,
		{Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"}:                         rolebinding.Strategy,
		{Group: "resource.k8s.io", Kind: "DeviceClass"}:                                   deviceclass.Strategy,
		{Group: "resource.k8s.io", Kind: "DeviceTaintRule"}:                               devicetaintrule.Strategy,
		{Group: "resource.k8s.io", Kind: "ResourceClaim"}:                                 resourceclaim.NewStrategy(offlineNamespaces{}),
		{Group: "resource.k8s.io", Kind: "ResourceClaimTemplate"}:                         resourceclaimtemplate.NewStrategy(offlineNamespaces{}),
		{Group: "resource.k8s.io", Kind: "ResourceSlice"}:                                 resourceslice.Strategy,
		{Group: "scheduling.k8s.io", Kind: "PriorityClass"}:                               priorityclass.Strategy,
		{Group: "storage.k8s.io", Kind: "CSIDriver"}:                                      csidriver.Strategy,
		{Group: "storage.k8s.io", Kind: "CSINode"}:                                        csinode.Strategy,
		{Group: "storage.k8s.io", Kind: "CSIStorageCapacity"}:                             csistoragecapacity.Strategy,
		{Group: "storage.k8s.io", Kind: "StorageClass"}:                                   storageclass.Strategy,
		{Group: "storage.k8s.io", Kind: "VolumeAttachment"}:                               volumeattachment.Strategy,
		{Group: "storage.k8s.io", Kind: "VolumeAttributesClass"}:                          volumeattributesclass.Strategy,
		{Group: "storagemigration.k8s.io", Kind: "StorageVersionMigration"}:               storagemigration.Strategy,
	}
}

// Kinds with object metadata that the API server does not store: their create is a request
// answered at once (a review, a binding, an eviction, a scale), validated by its REST handler,
// not by a registry strategy; or a kind no manifest can create. kube-rules validate leaves them
// to the schema gates.
var notStored = map[schema.GroupKind]string{
	{Group: "", Kind: "Binding"}:                                      "a request to bind a pod (pods/binding)",
	{Group: "", Kind: "ComponentStatus"}:                              "read only",
	{Group: "", Kind: "PodStatusResult"}:                              "never served",
	{Group: "", Kind: "RangeAllocation"}:                              "never served",
	{Group: "apps", Kind: "DeploymentRollback"}:                       "a request (extensions/v1beta1 deployments/rollback, removed)",
	{Group: "authentication.k8s.io", Kind: "SelfSubjectReview"}:       "a request answered at once",
	{Group: "authentication.k8s.io", Kind: "TokenRequest"}:            "a request (serviceaccounts/token)",
	{Group: "authentication.k8s.io", Kind: "TokenReview"}:             "a request answered at once",
	{Group: "authorization.k8s.io", Kind: "LocalSubjectAccessReview"}: "a request answered at once",
	{Group: "authorization.k8s.io", Kind: "SelfSubjectAccessReview"}:  "a request answered at once",
	{Group: "authorization.k8s.io", Kind: "SelfSubjectRulesReview"}:   "a request answered at once",
	{Group: "authorization.k8s.io", Kind: "SubjectAccessReview"}:      "a request answered at once",
	{Group: "autoscaling", Kind: "Scale"}:                             "a subresource (*/scale)",
	{Group: "apps", Kind: "Scale"}:                                    "a subresource (*/scale)",
	{Group: "extensions", Kind: "Scale"}:                              "a subresource (*/scale)",
	{Group: "imagepolicy.k8s.io", Kind: "ImageReview"}:                "a webhook's request, never served",
	{Group: "policy", Kind: "Eviction"}:                               "a request (pods/eviction)",
	{Group: "admission.k8s.io", Kind: "AdmissionReview"}:              "a webhook's request, never served",
}

// The group versions kube-apiserver serves unless --runtime-config says otherwise: its
// stableAPIGroupVersionsEnabledByDefault (k8s.io/kubernetes pkg/controlplane/instance.go, which
// disables every beta and alpha version and has no storage for removed ones). That package is the
// whole control plane, so the list is copied here; the e2e parity test compares it with the API
// server's discovery. Other versions the scheme still decodes (apps/v1beta2, extensions/v1beta1,
// alphas) are refused as kubectl refuses a kind the API server does not list.
var servedByDefault = map[schema.GroupVersion]bool{
	{Group: "admissionregistration.k8s.io", Version: "v1"}: true,
	{Group: "", Version: "v1"}:                             true,
	{Group: "apps", Version: "v1"}:                         true,
	{Group: "authentication.k8s.io", Version: "v1"}:        true,
	{Group: "authorization.k8s.io", Version: "v1"}:         true,
	{Group: "autoscaling", Version: "v1"}:                  true,
	{Group: "autoscaling", Version: "v2"}:                  true,
	{Group: "batch", Version: "v1"}:                        true,
	{Group: "certificates.k8s.io", Version: "v1"}:          true,
	{Group: "coordination.k8s.io", Version: "v1"}:          true,
	{Group: "discovery.k8s.io", Version: "v1"}:             true,
	{Group: "events.k8s.io", Version: "v1"}:                true,
	{Group: "networking.k8s.io", Version: "v1"}:            true,
	{Group: "node.k8s.io", Version: "v1"}:                  true,
	{Group: "policy", Version: "v1"}:                       true,
	{Group: "rbac.authorization.k8s.io", Version: "v1"}:    true,
	{Group: "resource.k8s.io", Version: "v1"}:              true,
	{Group: "storage.k8s.io", Version: "v1"}:               true,
	{Group: "scheduling.k8s.io", Version: "v1"}:            true,
	{Group: "flowcontrol.apiserver.k8s.io", Version: "v1"}: true,
}

// fieldError is one cause of a refusal: the field path and the API server's words for it.
type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// verdict is the answer for one object. Checked is false for a custom resource whose
// CustomResourceDefinition is not in the run, or a kind the API server does not store; Errors
// is empty when the API server would take the object.
type verdict struct {
	Checked bool         `json:"checked"`
	Errors  []fieldError `json:"errors"`
	// Why an object was not checked, where a reader needs to know (crd.go: a custom resource
	// whose CustomResourceDefinition is not in the run); said once per kind.
	Note string `json:"note,omitempty"`
}

type validator struct {
	byType  map[reflect.Type]rest.RESTCreateStrategy
	groups  map[string]bool
	decoder func(schema.GroupVersion) runtime.Decoder
	// The mutating admission plugins run on a create (admission.go).
	admission *mutatingAdmission
	// The Service storage's BeginCreate (service.go), over the clusterIPs and nodePorts the
	// Services validated so far hold, as the API server's allocators would after creating them
	// in order (kubectl apply -f DIR): a second Service asking for a taken one is refused.
	services *serviceCreate
	// The extension API servers' kinds and the run's CustomResourceDefinitions (crd.go).
	extensions *extensions
}

// validateOptions are kube-apiserver's flags that change what it says to a create.
type validateOptions struct {
	// --allow-privileged (k8s.io/kubernetes pkg/capabilities): whether a privileged container
	// passes validation. kube-apiserver's default is false; kubeadm and kind set true.
	allowPrivileged bool
	// --service-cluster-ip-range: where a requested clusterIP must lie.
	serviceClusterIPRange string
}

func newValidator(options validateOptions) (*validator, error) {
	// As kube-apiserver's Run (capabilities.Setup, before any request); validation reads it.
	capabilities.Setup(options.allowPrivileged, 0)
	services, err := newServiceCreate(options.serviceClusterIPRange)
	if err != nil {
		return nil, err
	}
	admission, err := newMutatingAdmission()
	if err != nil {
		return nil, err
	}
	v := &validator{byType: map[reflect.Type]rest.RESTCreateStrategy{}, groups: map[string]bool{}, admission: admission, services: services, extensions: newExtensions()}
	for gk, strategy := range createStrategies() {
		internal, err := legacyscheme.Scheme.New(gk.WithVersion(runtime.APIVersionInternal))
		if err != nil {
			return nil, fmt.Errorf("strategy table: %s: %w", gk, err)
		}
		v.byType[reflect.TypeOf(internal)] = strategy
	}
	for _, gv := range legacyscheme.Scheme.PrioritizedVersionsAllGroups() {
		v.groups[gv.Group] = true
	}
	// The serializer kube-apiserver decodes a JSON body with under fieldValidation=Strict:
	// unknown and duplicate fields are errors, as `kubectl create` (--validate=strict) asks.
	var strict runtime.Serializer
	for _, info := range legacyscheme.Codecs.SupportedMediaTypes() {
		if info.MediaType == runtime.ContentTypeJSON {
			strict = info.StrictSerializer
		}
	}
	if strict == nil {
		return nil, errors.New("legacyscheme.Codecs has no strict JSON serializer")
	}
	v.decoder = func(gv schema.GroupVersion) runtime.Decoder {
		// As the create handler: DecoderToVersion(strict, hub group version), which defaults
		// the versioned object and converts it to the internal version.
		return legacyscheme.Codecs.DecoderToVersion(strict, schema.GroupVersion{Group: gv.Group, Version: runtime.APIVersionInternal})
	}
	return v, nil
}

func validate(in io.Reader, out io.Writer, options validateOptions) error {
	var objects []json.RawMessage
	if err := json.NewDecoder(in).Decode(&objects); err != nil {
		return fmt.Errorf("reading objects: %w", err)
	}
	v, err := newValidator(options)
	if err != nil {
		return err
	}
	// Every CustomResourceDefinition of the run, wherever it stands: the custom resources before it need it too.
	v.readCustomResourceDefinitions(objects)
	answers := make([]verdict, len(objects))
	for i, raw := range objects {
		answers[i] = v.validate(raw)
	}
	return json.NewEncoder(out).Encode(answers)
}

func refused(field, message string) verdict {
	return verdict{Checked: true, Errors: []fieldError{{Field: field, Message: message}}}
}

// noMatches is kubectl's refusal of a kind that the API server's discovery does not list.
func noMatches(gvk schema.GroupVersionKind) verdict {
	return refused("", fmt.Sprintf("no matches for kind %q in version %q", gvk.Kind, gvk.GroupVersion().String()))
}

// cannotBeHandled is the create handler's transformDecodeError: a body it could not decode into
// an object of kind `into`.
func cannotBeHandled(decoded *schema.GroupVersionKind, into string, err error) verdict {
	return refused("", fmt.Sprintf("%s in version %q cannot be handled as a %s: %v", decoded.Kind, decoded.Version, into, err))
}

func (v *validator) validate(raw json.RawMessage) verdict {
	var typeMeta metav1.TypeMeta
	// The schema gates report a document without apiVersion and kind; here it is unchecked.
	if err := json.Unmarshal(raw, &typeMeta); err != nil || typeMeta.APIVersion == "" || typeMeta.Kind == "" {
		return verdict{Errors: []fieldError{}}
	}
	gv, err := schema.ParseGroupVersion(typeMeta.APIVersion)
	if err != nil {
		return verdict{Errors: []fieldError{}}
	}
	gvk := gv.WithKind(typeMeta.Kind)
	if !v.groups[gv.Group] {
		// CustomResourceDefinitions, APIServices and custom resources (crd.go).
		return v.validateExtension(raw, gvk)
	}
	if !servedByDefault[gv] || !legacyscheme.Scheme.Recognizes(gvk) {
		// kubectl's words when the API server's discovery has no such kind.
		return noMatches(gvk)
	}
	original, err := legacyscheme.Scheme.New(gvk.GroupKind().WithVersion(runtime.APIVersionInternal))
	if err != nil {
		return refused("", err.Error())
	}
	strategy, ok := v.byType[reflect.TypeOf(original)]
	if !ok {
		return verdict{Errors: []fieldError{}}
	}
	obj, decodedGVK, err := v.decoder(gv).Decode(raw, &gvk, original)
	if err != nil {
		return cannotBeHandled(decodedGVK, gvk.Kind, err)
	}
	return v.create(gvk, obj, strategy)
}

// create is the rest of the create request for a decoded object of kind gvk: the create handler's
// namespace and system fields, then Store.create up to storage.
func (v *validator) create(gvk schema.GroupVersionKind, obj runtime.Object, strategy rest.RESTCreateStrategy) verdict {
	gv := gvk.GroupVersion()
	objectMeta, err := meta.Accessor(obj)
	if err != nil {
		return refused("", err.Error())
	}
	// The request's namespace: kubectl sends an object to the namespace it names, or to its
	// context's namespace ("default" here); a Namespace is its own.
	namespace := objectMeta.GetNamespace()
	if namespace == "" && strategy.NamespaceScoped() {
		namespace = metav1.NamespaceDefault
	}
	if gvk.Group == "" && gvk.Kind == "Namespace" {
		namespace = objectMeta.GetName()
	}
	ctx := genericapirequest.WithNamespace(genericapirequest.NewContext(), namespace)
	prefix := "apis"
	if gv.Group == "" {
		prefix = "api"
	}
	// Declarative validation and the events strategy read the request's group and version.
	ctx = genericapirequest.WithRequestInfo(ctx, &genericapirequest.RequestInfo{
		IsResourceRequest: true, Verb: "create", APIPrefix: prefix, APIGroup: gv.Group, APIVersion: gv.Version,
		Namespace: namespace, Name: objectMeta.GetName(),
	})
	ctx = genericapirequest.WithUser(ctx, &user.DefaultInfo{Name: "kube-rules", Groups: []string{user.SystemPrivilegedGroup, user.AllAuthenticated}})

	// createHandler: the system fields are the server's to set; the namespace must match.
	rest.WipeObjectMetaSystemFields(objectMeta)
	if err := rest.EnsureObjectNamespaceMatchesRequestNamespace(rest.ExpectedNamespaceForScope(namespace, strategy.NamespaceScoped()), objectMeta); err != nil {
		return refusal(err)
	}
	// The create handler's mutating admission, before the storage's create (admission.go).
	if err := v.admission.admit(ctx, obj, namespace); err != nil {
		return refusal(err)
	}
	// Store.create: the system fields, the storage's BeginCreate (the Service storage's: its
	// clusterIPs and nodePorts are allocated before validation, and kept only if the object is
	// created; service.go), then rest.BeforeCreate.
	rest.FillObjectMetaSystemFields(objectMeta)
	if objectMeta.GetGenerateName() != "" && objectMeta.GetName() == "" {
		objectMeta.SetName(strategy.GenerateName(objectMeta.GetGenerateName()))
	}
	finishCreate, err := v.services.beginCreate(ctx, obj)
	if err != nil {
		return refusal(err)
	}
	err = rest.BeforeCreate(strategy, ctx, obj)
	finishCreate(ctx, err == nil)
	if err != nil {
		return refusal(err)
	}
	if err := v.admission.knowServiceAccount(obj, namespace); err != nil {
		return refused("", err.Error())
	}
	return verdict{Checked: true, Errors: []fieldError{}}
}

// refusal is an API error as its causes (field and message), or its whole message.
func refusal(err error) verdict {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		details := status.Status().Details
		if details != nil && len(details.Causes) > 0 {
			result := verdict{Checked: true, Errors: []fieldError{}}
			for _, cause := range details.Causes {
				result.Errors = append(result.Errors, fieldError{Field: cause.Field, Message: cause.Message})
			}
			return result
		}
		return refused("", status.Status().Message)
	}
	return refused("", err.Error())
}

// kindCoverage is what `kube-rules kinds` prints: every kind with object metadata that the
// scheme knows (internal group/kind), by what validate does with it.
type kindCoverage struct {
	Validated []string          `json:"validated"`
	NotStored map[string]string `json:"notStored"`
	Missing   []string          `json:"missing"`
	Served    []string          `json:"served"`
}

func kinds(out io.Writer) error {
	v, err := newValidator(validateOptions{allowPrivileged: true, serviceClusterIPRange: defaultServiceClusterIPRange})
	if err != nil {
		return err
	}
	coverage := kindCoverage{Validated: []string{}, NotStored: map[string]string{}, Missing: []string{}, Served: []string{}}
	seen := map[string]bool{}
	for gvk := range legacyscheme.Scheme.AllKnownTypes() {
		if gvk.Version == runtime.APIVersionInternal || strings.HasSuffix(gvk.Kind, "List") {
			continue
		}
		gv := gvk.GroupVersion()
		internal, err := legacyscheme.Scheme.New(gvk.GroupKind().WithVersion(runtime.APIVersionInternal))
		if err != nil {
			continue
		}
		if _, err := meta.Accessor(internal); err != nil {
			continue // options and other types without object metadata
		}
		name := gvk.GroupKind().String()
		if servedByDefault[gv] {
			coverage.Served = append(coverage.Served, gv.String()+" "+gvk.Kind)
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		if _, ok := v.byType[reflect.TypeOf(internal)]; ok {
			coverage.Validated = append(coverage.Validated, name)
		} else if reason, ok := notStored[gvk.GroupKind()]; ok {
			coverage.NotStored[name] = reason
		} else {
			coverage.Missing = append(coverage.Missing, name)
		}
	}
	v.extensions.addCoverage(&coverage)
	sort.Strings(coverage.Validated)
	sort.Strings(coverage.Missing)
	sort.Strings(coverage.Served)
	return json.NewEncoder(out).Encode(coverage)
}
