// crd.go: kube-rules validate for what kube-apiserver serves outside legacyscheme. kube-apiserver
// chains three servers (k8s.io/kubernetes pkg/controlplane/apiserver): the aggregator
// (k8s.io/kube-aggregator) serves APIService, apiextensions-apiserver
// (k8s.io/apiextensions-apiserver) serves CustomResourceDefinition and every custom resource.
//
//   - A CustomResourceDefinition or an APIService takes validate.go's create path with its own
//     server's scheme (strict decoding, defaulting, conversion to the internal version) and
//     registry strategy: apiextensions-apiserver pkg/registry/customresourcedefinition, and
//     kube-aggregator pkg/registry/apiservice.
//   - A custom resource whose CustomResourceDefinition is in the same run (anywhere in it: the
//     API server needs the definition first, kube-rules reads them all first) is checked as
//     apiextensions-apiserver's customresource handler checks a create: the version's
//     structural schema; strict decoding, where a field the schema does not know is an error
//     (kubectl's --validate=strict), with nulls the schema does not allow dropped; defaulting;
//     then the customresource registry strategy: metadata, the OpenAPI schema (nullable
//     included), list types, embedded resources and the x-kubernetes-validations CEL rules.
//     A CustomResourceDefinition the API server refuses defines nothing.
//   - A custom resource whose CustomResourceDefinition is not in the run is not checked, and
//     said once per kind as a note, not a refusal: the definition may well be installed in the
//     cluster by something else (a Helm chart, an operator), where kubectl apply finds it; no
//     built-in kind of the same name stands in for it.
package main

import (
	"encoding/json"
	"fmt"
	"sort"

	"k8s.io/apiextensions-apiserver/pkg/apihelpers"
	apiextensionsinternal "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsinstall "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/install"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apiextensions-apiserver/pkg/crdserverscheme"
	"k8s.io/apiextensions-apiserver/pkg/registry/customresource"
	"k8s.io/apiextensions-apiserver/pkg/registry/customresourcedefinition"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured/unstructuredscheme"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	jsonserializer "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apiserver/pkg/registry/rest"
	aggregatorscheme "k8s.io/kube-aggregator/pkg/apiserver/scheme"
	"k8s.io/kube-aggregator/pkg/registry/apiservice"
)

// apiextensions-apiserver's scheme, as its pkg/apiserver sets up Scheme and Codecs; that package
// is the whole server (its controllers, the generic API server), which kube-rules does not need.
var (
	apiextensionsScheme = runtime.NewScheme()
	apiextensionsCodecs = serializer.NewCodecFactory(apiextensionsScheme)
)

func init() {
	apiextensionsinstall.Install(apiextensionsScheme)
}

var crdKind = apiextensionsv1.SchemeGroupVersion.WithKind("CustomResourceDefinition")

// extensionKind is a kind one of the extension servers stores: its server's scheme and the
// CreateStrategy of its REST storage.
type extensionKind struct {
	scheme   *runtime.Scheme
	codecs   serializer.CodecFactory
	strategy rest.RESTCreateStrategy
}

// extensions is what validate knows beyond legacyscheme: the extension servers' kinds, and the
// CustomResourceDefinitions of the run.
type extensions struct {
	// By the group versions the servers serve: apiextensions.k8s.io/v1beta1 and
	// apiregistration.k8s.io/v1beta1 were removed in 1.22 (the e2e parity test compares this
	// with the API server's discovery).
	kinds map[schema.GroupVersionKind]extensionKind
	// The run's CustomResourceDefinitions, by the group and kind each defines.
	definitions map[schema.GroupKind]*definition
	// The custom kinds a note was written for.
	noted map[schema.GroupKind]bool
}

func newExtensions() *extensions {
	return &extensions{
		kinds: map[schema.GroupVersionKind]extensionKind{
			crdKind: {apiextensionsScheme, apiextensionsCodecs, customresourcedefinition.NewStrategy(apiextensionsScheme)},
			{Group: "apiregistration.k8s.io", Version: "v1", Kind: "APIService"}: {
				aggregatorscheme.Scheme, aggregatorscheme.Codecs, apiservice.NewStrategy(aggregatorscheme.Scheme),
			},
		},
		definitions: map[schema.GroupKind]*definition{},
		noted:       map[schema.GroupKind]bool{},
	}
}

// definition is one CustomResourceDefinition of the run.
type definition struct {
	name string
	// As the API server would store it (defaulted, its status cleared); nil when it refuses it.
	crd *apiextensionsv1.CustomResourceDefinition
	// Each version's schema and strategy, made the first time a custom resource needs it.
	versions map[string]*customResourceVersion
}

// customResourceVersion is what the customresource handler builds for one version of a
// CustomResourceDefinition (apiextensions-apiserver pkg/apiserver, crdHandler.getOrCreateServingInfoFor).
type customResourceVersion struct {
	structural *structuralschema.Structural
	strategy   rest.RESTCreateStrategy
}

// validateExtension answers for an object of a group legacyscheme does not know.
func (v *validator) validateExtension(raw json.RawMessage, gvk schema.GroupVersionKind) verdict {
	obj, kind, answer := v.extensions.decode(raw, gvk)
	if answer != nil {
		return *answer
	}
	if kind == nil {
		return v.customResource(raw, gvk)
	}
	return v.create(gvk, obj, kind.strategy)
}

// decode reads an object of an extension server's kind as its create handler does; kind is nil
// for a group no extension server's scheme knows (a custom resource's).
func (e *extensions) decode(raw json.RawMessage, gvk schema.GroupVersionKind) (runtime.Object, *extensionKind, *verdict) {
	kind, ok := e.kinds[gvk]
	if !ok {
		for _, known := range e.kinds {
			if known.scheme.IsGroupRegistered(gvk.Group) {
				answer := noMatches(gvk)
				return nil, nil, &answer
			}
		}
		return nil, nil, nil
	}
	original, err := kind.scheme.New(gvk.GroupKind().WithVersion(runtime.APIVersionInternal))
	if err != nil {
		answer := refused("", err.Error())
		return nil, nil, &answer
	}
	info, _ := runtime.SerializerInfoForMediaType(kind.codecs.SupportedMediaTypes(), runtime.ContentTypeJSON)
	decoder := kind.codecs.DecoderToVersion(info.StrictSerializer, schema.GroupVersion{Group: gvk.Group, Version: runtime.APIVersionInternal})
	obj, decodedGVK, err := decoder.Decode(raw, &gvk, original)
	if err != nil {
		answer := cannotBeHandled(decodedGVK, gvk.Kind, err)
		return nil, nil, &answer
	}
	return obj, &kind, nil
}

// readCustomResourceDefinitions takes in each CustomResourceDefinition of the run, as the API
// server would store it; the first one the API server takes for a group and kind defines it.
func (v *validator) readCustomResourceDefinitions(objects []json.RawMessage) {
	for _, raw := range objects {
		var object struct {
			metav1.TypeMeta `json:",inline"`
			Metadata        struct {
				Name string `json:"name"`
			} `json:"metadata"`
			Spec struct {
				Group string `json:"group"`
				Names struct {
					Kind string `json:"kind"`
				} `json:"names"`
			} `json:"spec"`
		}
		if json.Unmarshal(raw, &object) != nil || object.GroupVersionKind() != crdKind {
			continue
		}
		defined := schema.GroupKind{Group: object.Spec.Group, Kind: object.Spec.Names.Kind}
		if earlier, ok := v.extensions.definitions[defined]; ok && earlier.crd != nil {
			continue
		}
		obj, kind, answer := v.extensions.decode(raw, crdKind)
		if answer == nil {
			created := v.create(crdKind, obj, kind.strategy)
			answer = &created
		}
		found := &definition{name: object.Metadata.Name, versions: map[string]*customResourceVersion{}}
		if len(answer.Errors) == 0 {
			found.crd = &apiextensionsv1.CustomResourceDefinition{}
			if err := apiextensionsScheme.Convert(obj, found.crd, nil); err != nil {
				found.crd = nil
			}
		}
		v.extensions.definitions[defined] = found
	}
}

// customResource answers for an object of a custom kind.
func (v *validator) customResource(raw json.RawMessage, gvk schema.GroupVersionKind) verdict {
	found, ok := v.extensions.definitions[gvk.GroupKind()]
	if !ok || found.crd == nil {
		if v.extensions.noted[gvk.GroupKind()] {
			return verdict{Errors: []fieldError{}}
		}
		v.extensions.noted[gvk.GroupKind()] = true
		why := "no CustomResourceDefinition among these manifests defines it"
		if ok {
			why = fmt.Sprintf("its CustomResourceDefinition %s is refused", found.name)
		}
		return verdict{Errors: []fieldError{}, Note: fmt.Sprintf(
			"%s %s not checked: %s; the API server checks it against the CustomResourceDefinition installed in the cluster, and kubectl apply refuses it until there is one",
			gvk.GroupVersion(), gvk.Kind, why)}
	}
	version, err := found.version(gvk)
	if err != nil {
		return refused("", err.Error())
	}
	if version == nil {
		return noMatches(gvk)
	}
	// The customresource handler's decoder: strict JSON into an Unstructured, then the fields
	// the schema does not know are pruned and, under fieldValidation=Strict, refused.
	strict := jsonserializer.NewSerializerWithOptions(jsonserializer.DefaultMetaFactory,
		unstructuredscheme.NewUnstructuredCreator(), crdserverscheme.NewUnstructuredObjectTyper(),
		jsonserializer.SerializerOptions{Strict: true})
	obj, decodedGVK, err := strict.Decode(raw, &gvk, &unstructured.Unstructured{})
	var strictErrors []error
	if err != nil {
		strictError, isStrict := runtime.AsStrictDecodingError(err)
		if !isStrict || obj == nil {
			return cannotBeHandled(decodedGVK, gvk.Kind, err)
		}
		strictErrors = strictError.Errors()
	}
	object := obj.(*unstructured.Unstructured)
	unknownFields, err := coerce(object, version.structural)
	if err != nil {
		return cannotBeHandled(decodedGVK, gvk.Kind, err)
	}
	for _, path := range unknownFields {
		strictErrors = append(strictErrors, fmt.Errorf(`unknown field "%s"`, path))
	}
	if len(strictErrors) > 0 {
		return cannotBeHandled(decodedGVK, gvk.Kind, runtime.NewStrictDecodingError(strictErrors))
	}
	// The handler's unstructuredDefaulter.
	structuraldefaulting.Default(object.Object, version.structural)
	answer := v.create(gvk, object, version.strategy)
	// The OpenAPI validator walks the schema's properties, a map: the API server's causes come in
	// any order. By field here, so that each run says the same.
	sort.SliceStable(answer.Errors, func(i, j int) bool { return answer.Errors[i].Field < answer.Errors[j].Field })
	return answer
}

// coerce is the customresource handler's unstructuredSchemaCoercer.apply for a create under
// fieldValidation=Strict (unexported in apiextensions-apiserver pkg/apiserver, so its steps are
// repeated here, each one apiextensions-apiserver's own function): metadata read as
// ObjectMeta, pruning of the fields the schema does not know, removal of nulls it does not
// allow, coercion of embedded metadata. It returns the unknown fields' paths.
func coerce(object *unstructured.Unstructured, structural *structuralschema.Structural) ([]string, error) {
	kind, foundKind, err := unstructured.NestedString(object.Object, "kind")
	if err != nil {
		return nil, err
	}
	apiVersion, foundAPIVersion, err := unstructured.NestedString(object.Object, "apiVersion")
	if err != nil {
		return nil, err
	}
	objectMeta, foundObjectMeta, unknownFields, err := schemaobjectmeta.GetObjectMetaWithOptions(object.Object,
		schemaobjectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: true})
	if err != nil {
		return nil, err
	}
	if structural != nil {
		unknownFields = append(unknownFields, structuralpruning.PruneWithOptions(object.Object, structural, true,
			structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})...)
		structuraldefaulting.PruneNonNullableNullsWithoutDefaults(object.Object, structural)
	}
	fieldErr, paths := schemaobjectmeta.CoerceWithOptions(nil, object.Object, structural, false,
		schemaobjectmeta.CoerceOptions{ReturnUnknownFieldPaths: true})
	if fieldErr != nil {
		return nil, fieldErr
	}
	unknownFields = append(unknownFields, paths...)
	if foundKind {
		object.SetKind(kind)
	}
	if foundAPIVersion {
		object.SetAPIVersion(apiVersion)
	}
	if foundObjectMeta {
		if err := schemaobjectmeta.SetObjectMeta(object.Object, objectMeta); err != nil {
			return nil, err
		}
	}
	return unknownFields, nil
}

// version is the schema and strategy of the served version gvk.Version; nil when the
// definition serves no such version.
func (d *definition) version(gvk schema.GroupVersionKind) (*customResourceVersion, error) {
	if built, ok := d.versions[gvk.Version]; ok {
		return built, nil
	}
	if !apihelpers.HasServedCRDVersion(d.crd, gvk.Version) {
		return nil, nil
	}
	built := &customResourceVersion{}
	validation, err := apihelpers.GetSchemaForVersion(d.crd, gvk.Version)
	if err != nil {
		return nil, err
	}
	var schemaProps *apiextensionsinternal.JSONSchemaProps
	if validation != nil {
		internal := &apiextensionsinternal.CustomResourceValidation{}
		if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(validation, internal, nil); err != nil {
			return nil, err
		}
		schemaProps = internal.OpenAPIV3Schema
		if built.structural, err = structuralschema.NewStructural(schemaProps); err != nil {
			return nil, err
		}
		// The handler's own copy, with the defaults it cannot apply pruned.
		built.structural = built.structural.DeepCopy()
		if err := structuraldefaulting.PruneDefaults(built.structural); err != nil {
			return nil, err
		}
	}
	schemaValidator, _, err := apiservervalidation.NewSchemaValidator(schemaProps)
	if err != nil {
		return nil, err
	}
	subresources, err := apihelpers.GetSubresourcesForVersion(d.crd, gvk.Version)
	if err != nil {
		return nil, err
	}
	var status *apiextensionsinternal.CustomResourceSubresourceStatus
	var statusValidator apiservervalidation.SchemaValidator
	var scale *apiextensionsinternal.CustomResourceSubresourceScale
	if subresources != nil && subresources.Status != nil {
		status = &apiextensionsinternal.CustomResourceSubresourceStatus{}
		if schemaProps != nil {
			if statusSchema, ok := schemaProps.Properties["status"]; ok {
				if statusValidator, _, err = apiservervalidation.NewSchemaValidator(&statusSchema); err != nil {
					return nil, err
				}
			}
		}
	}
	if subresources != nil && subresources.Scale != nil {
		scale = &apiextensionsinternal.CustomResourceSubresourceScale{}
		if err := apiextensionsv1.Convert_v1_CustomResourceSubresourceScale_To_apiextensions_CustomResourceSubresourceScale(subresources.Scale, scale, nil); err != nil {
			return nil, err
		}
	}
	var selectableFields []apiextensionsv1.SelectableField
	for _, served := range d.crd.Spec.Versions {
		if served.Name == gvk.Version {
			selectableFields = served.SelectableFields
		}
	}
	built.strategy = customresource.NewStrategy(crdserverscheme.NewUnstructuredObjectTyper(),
		d.crd.Spec.Scope == apiextensionsv1.NamespaceScoped, gvk, schemaValidator, statusValidator,
		built.structural, status, scale, selectableFields)
	d.versions[gvk.Version] = built
	return built, nil
}

// addCoverage adds the extension servers' kinds to what `kube-rules kinds` prints: each kind with
// object metadata their schemes know is validated or missing.
func (e *extensions) addCoverage(coverage *kindCoverage) {
	validated := map[schema.GroupKind]bool{}
	schemes := map[*runtime.Scheme]bool{}
	for gvk, kind := range e.kinds {
		validated[gvk.GroupKind()] = true
		schemes[kind.scheme] = true
		coverage.Served = append(coverage.Served, gvk.GroupVersion().String()+" "+gvk.Kind)
	}
	seen := map[schema.GroupKind]bool{}
	for scheme := range schemes {
		for gvk := range scheme.AllKnownTypes() {
			if gvk.Version != runtime.APIVersionInternal || seen[gvk.GroupKind()] {
				continue
			}
			internal, err := scheme.New(gvk)
			if err != nil {
				continue
			}
			if _, err := meta.Accessor(internal); err != nil || meta.IsListType(internal) {
				continue
			}
			seen[gvk.GroupKind()] = true
			if validated[gvk.GroupKind()] {
				coverage.Validated = append(coverage.Validated, gvk.GroupKind().String())
			} else {
				coverage.Missing = append(coverage.Missing, gvk.GroupKind().String())
			}
		}
	}
}
