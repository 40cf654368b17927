// kubectl_apply.go: `kube-rules kubectl-apply`, what client-side `kubectl apply -f` adds to an
// object it creates and what that costs. kubectl writes the whole object, as it read it, into the
// kubectl.kubernetes.io/last-applied-configuration annotation before it sends the create
// (k8s.io/kubectl pkg/cmd/apply: util.CreateApplyAnnotation with the unstructured JSON scheme),
// and the API server then refuses metadata.annotations over apimachinery's
// TotalAnnotationSizeLimitB (256 KiB, ValidateAnnotations). Server-side apply
// (`kubectl apply --server-side`) writes no such annotation. An object whose own annotations are
// already too large is the api-server gate's finding, not this one's.
package main

import (
	"encoding/json"
	"fmt"
	"io"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/kubectl/pkg/util"
)

// applyVerdict is the answer for one object: the API server's refusal of the annotations
// kubectl apply sends, cause by cause (empty when they fit), and their size in bytes as
// ValidateAnnotationsSize counts it (keys and values).
type applyVerdict struct {
	Errors          []fieldError `json:"errors"`
	AnnotationBytes int          `json:"annotationBytes"`
}

func kubectlApply(in io.Reader, out io.Writer) error {
	var objects []json.RawMessage
	if err := json.NewDecoder(in).Decode(&objects); err != nil {
		return fmt.Errorf("reading objects: %w", err)
	}
	answers := make([]applyVerdict, len(objects))
	for i, raw := range objects {
		answers[i] = applyAnnotation(raw)
	}
	return json.NewEncoder(out).Encode(answers)
}

func applyAnnotation(raw json.RawMessage) applyVerdict {
	answer := applyVerdict{Errors: []fieldError{}}
	object := &unstructured.Unstructured{}
	// kubectl reads a manifest into unstructured objects; what it cannot read is the other
	// gates' finding.
	if err := object.UnmarshalJSON(raw); err != nil {
		return answer
	}
	path := field.NewPath("metadata", "annotations")
	if apivalidation.ValidateAnnotationsSize(object.GetAnnotations()) != nil {
		return answer
	}
	if err := util.CreateApplyAnnotation(object, unstructured.UnstructuredJSONScheme); err != nil {
		return applyVerdict{Errors: []fieldError{{Field: "", Message: err.Error()}}}
	}
	for key, value := range object.GetAnnotations() {
		answer.AnnotationBytes += len(key) + len(value)
	}
	if apivalidation.ValidateAnnotationsSize(object.GetAnnotations()) != nil {
		// The API server's words for it (ValidateObjectMeta's ValidateAnnotations).
		answer.Errors = append(answer.Errors, fieldError{
			Field:   path.String(),
			Message: field.TooLong(path, "", apivalidation.TotalAnnotationSizeLimitB).ErrorBody(),
		})
	}
	return answer
}
