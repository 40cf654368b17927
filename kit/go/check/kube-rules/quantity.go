// kube-rules quantity-compare: how the API server reads and orders resource quantities
// ("500m", "1Gi"), with k8s.io/apimachinery's own resource.ParseQuantity and Quantity.Cmp, for
// the parity test of lib/numbers.ts's copy (test/api-server/quantity.test.ts), which the
// constructs use to keep a container's requests at or below its limits. Reads a JSON array of
// [a, b] pairs, writes for each whether a and b parse and, when both do, a.Cmp(b) (-1, 0 or 1).
package main

import (
	"encoding/json"
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/api/resource"
)

type quantityComparison struct {
	Valid [2]bool `json:"valid"`
	Cmp   *int    `json:"cmp,omitempty"`
}

func compareQuantities(in io.Reader, out io.Writer) error {
	var pairs [][2]string
	if err := json.NewDecoder(in).Decode(&pairs); err != nil {
		return fmt.Errorf("reading quantity pairs: %w", err)
	}
	answers := make([]quantityComparison, len(pairs))
	for i, pair := range pairs {
		a, errA := resource.ParseQuantity(pair[0])
		b, errB := resource.ParseQuantity(pair[1])
		answers[i].Valid = [2]bool{errA == nil, errB == nil}
		if errA == nil && errB == nil {
			cmp := a.Cmp(b)
			answers[i].Cmp = &cmp
		}
	}
	return json.NewEncoder(out).Encode(answers)
}
