// kube-rules dns1123-label: whether the API server takes each name as a DNS-1123 label (a
// container's name, a namespace's), with k8s.io/apimachinery's own IsDNS1123Label, for the parity
// test of lib/names.ts's copy (test/api-server/names.test.ts). Reads a JSON array of
// strings, writes one array of the API server's messages per name (empty when it is valid).
package main

import (
	"encoding/json"
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/util/validation"
)

func dns1123Labels(in io.Reader, out io.Writer) error {
	var names []string
	if err := json.NewDecoder(in).Decode(&names); err != nil {
		return fmt.Errorf("reading names: %w", err)
	}
	answers := make([][]string, len(names))
	for i, name := range names {
		answers[i] = validation.IsDNS1123Label(name)
		if answers[i] == nil {
			answers[i] = []string{}
		}
	}
	return json.NewEncoder(out).Encode(answers)
}
