// Command kube-rules answers, with Kubernetes' own Go packages, the questions that the project's
// TypeScript tools would otherwise answer with hand-written copies of API server behaviour:
//
//	kube-rules pod-security     Pod Security "restricted" (k8s.io/pod-security-admission/policy)
//	kube-rules selects          label selection (k8s.io/apimachinery/pkg/labels)
//	kube-rules image-reference  how the kubelet parses a container image (github.com/distribution/reference)
//	kube-rules dns1123-label    the API server's container name rule (names.go)
//	kube-rules quantity-compare resource quantities as the API server reads and compares them (quantity.go)
//	kube-rules validate [--allow-privileged=true|false] [--service-cluster-ip-range=CIDR]
//	                            what kube-apiserver says to creating each object (validate.go)
//	kube-rules kubectl-apply    what client-side kubectl apply's annotation does to each object (kubectl_apply.go)
//	kube-rules kinds            which kinds validate covers (validate.go)
//	kube-rules read             manifest files as kubectl apply -f reads them (read.go)
//
// Each reads a JSON array on stdin and writes a JSON array on stdout, one answer per
// input (read: one request, one answer), so that the caller (kit/pkg/check, in TypeScript) keeps the one reader of manifests and of pod
// templates. The module versions are pinned in go.mod to the Kubernetes release the cluster
// scripts build.
package main

import (
	// The kubelet links both (k8s.io/kubernetes pkg/util/parsers imports them for the parser):
	// without them go-digest reports sha256, sha384 and sha512 unsupported.
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/distribution/reference"
	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/klog/v2"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// The policy versions every pod is evaluated at: the API the manifests target (cdk8s-plus-27)
// and the release of the pinned pod-security-admission module (v0.34.x holds the v1.34 rules).
// A rule that one of them relaxed still holds.
func policyVersions() ([]string, error) {
	module, err := podSecurityModule()
	if err != nil {
		return nil, err
	}
	var minor int
	if _, err := fmt.Sscanf(module.Version, "v0.%d.", &minor); err != nil {
		return nil, fmt.Errorf("%s %s: not a Kubernetes staging version", module.Path, module.Version)
	}
	return []string{"v1.27", fmt.Sprintf("v1.%d", minor)}, nil
}

// podSecurityModule is the k8s.io/pod-security-admission module the binary was built with.
func podSecurityModule() (*debug.Module, error) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return nil, fmt.Errorf("no build information in the binary")
	}
	for _, dep := range info.Deps {
		if dep.Path == "k8s.io/pod-security-admission" {
			return dep, nil
		}
	}
	return nil, fmt.Errorf("k8s.io/pod-security-admission is not in the binary")
}

// pod is one pod template, as podTemplate in kit/pkg/common/kube.ts finds it in a manifest.
type pod struct {
	Metadata json.RawMessage `json:"metadata"`
	Spec     json.RawMessage `json:"spec"`
}

// violation is one forbidden check: what the API server prints, `reason (detail)`.
type violation struct {
	Reason   string   `json:"reason"`
	Detail   string   `json:"detail"`
	Versions []string `json:"versions"`
}

// selection is one label-selection question. Exactly one of Selector (a metav1.LabelSelector, or
// null: a PodDisruptionBudget's or NetworkPolicy's) and Set (a Service's map) is given.
type selection struct {
	Selector *json.RawMessage  `json:"selector,omitempty"`
	Set      map[string]string `json:"set,omitempty"`
	Labels   map[string]string `json:"labels"`
}

func main() {
	if len(os.Args) < 2 || (len(os.Args) > 2 && os.Args[1] != "validate") {
		fail("usage: kube-rules pod-security|selects|image-reference|dns1123-label|quantity-compare|kubectl-apply|read|validate [--allow-privileged=true|false] [--service-cluster-ip-range=CIDR] (JSON on stdin) | kinds")
	}
	// The API server's allocators log what they allocate (klog): the answers are on stdout, and
	// stderr is for the one line of a failure.
	klog.SetLogger(logr.Discard())
	var err error
	switch os.Args[1] {
	case "pod-security":
		err = podSecurity(os.Stdin, os.Stdout)
	case "selects":
		err = selects(os.Stdin, os.Stdout)
	case "image-reference":
		err = imageReferences(os.Stdin, os.Stdout)
	case "dns1123-label":
		err = dns1123Labels(os.Stdin, os.Stdout)
	case "quantity-compare":
		err = compareQuantities(os.Stdin, os.Stdout)
	case "validate":
		var options validateOptions
		if options, err = validateFlags(os.Args[2:]); err == nil {
			err = validate(os.Stdin, os.Stdout, options)
		}
	case "kubectl-apply":
		err = kubectlApply(os.Stdin, os.Stdout)
	case "kinds":
		err = kinds(os.Stdout)
	case "read":
		err = read(os.Stdin, os.Stdout)
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err.Error())
	}
}

// validateFlags reads validate's flags: kube-apiserver's, as kubeadm sets them by default.
func validateFlags(args []string) (validateOptions, error) {
	flags := flag.NewFlagSet("validate", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	options := validateOptions{}
	flags.BoolVar(&options.allowPrivileged, "allow-privileged", true, "")
	flags.StringVar(&options.serviceClusterIPRange, "service-cluster-ip-range", defaultServiceClusterIPRange, "")
	if err := flags.Parse(args); err != nil {
		return options, fmt.Errorf("validate: %v (flags: --allow-privileged=true|false, default true as kubeadm; --service-cluster-ip-range=CIDR, default %s as kubeadm)", err, defaultServiceClusterIPRange)
	}
	if flags.NArg() > 0 {
		return options, fmt.Errorf("validate: unexpected argument %q (objects are read from stdin)", flags.Arg(0))
	}
	return options, nil
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "kube-rules:", message)
	os.Exit(2)
}

func podSecurity(in io.Reader, out io.Writer) error {
	var pods []pod
	if err := json.NewDecoder(in).Decode(&pods); err != nil {
		return fmt.Errorf("reading pods: %w", err)
	}
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks())
	if err != nil {
		return err
	}
	versions, err := policyVersions()
	if err != nil {
		return err
	}
	levels := make([]api.LevelVersion, len(versions))
	for i, v := range versions {
		parsed, err := api.ParseVersion(v)
		if err != nil {
			return err
		}
		levels[i] = api.LevelVersion{Level: api.LevelRestricted, Version: parsed}
	}
	answers := make([][]violation, len(pods))
	for i, p := range pods {
		var metadata metav1.ObjectMeta
		var spec corev1.PodSpec
		if err := decode(p.Metadata, &metadata); err != nil {
			answers[i] = []violation{{Reason: "unreadable pod metadata", Detail: err.Error(), Versions: []string{}}}
			continue
		}
		if err := decode(p.Spec, &spec); err != nil {
			answers[i] = []violation{{Reason: "unreadable pod spec", Detail: err.Error(), Versions: []string{}}}
			continue
		}
		answers[i] = []violation{}
		seen := map[string]int{}
		for j, level := range levels {
			for _, result := range evaluator.EvaluatePod(level, &metadata, &spec) {
				if result.Allowed {
					continue
				}
				key := result.ForbiddenReason + "\x00" + result.ForbiddenDetail
				if at, ok := seen[key]; ok {
					answers[i][at].Versions = append(answers[i][at].Versions, versions[j])
					continue
				}
				seen[key] = len(answers[i])
				answers[i] = append(answers[i], violation{
					Reason:   result.ForbiddenReason,
					Detail:   result.ForbiddenDetail,
					Versions: []string{versions[j]},
				})
			}
		}
	}
	return json.NewEncoder(out).Encode(answers)
}

// decode reads JSON into a Kubernetes type; missing or null JSON is the type's zero value.
func decode(raw json.RawMessage, into any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return json.Unmarshal(raw, into)
}

func selects(in io.Reader, out io.Writer) error {
	var questions []selection
	if err := json.NewDecoder(in).Decode(&questions); err != nil {
		return fmt.Errorf("reading selections: %w", err)
	}
	// Each answer is whether the selector selects the labels, or why Kubernetes refuses the selector.
	answers := make([]any, len(questions))
	for i, q := range questions {
		var selector labels.Selector
		if q.Selector != nil {
			var labelSelector *metav1.LabelSelector
			if err := json.Unmarshal(*q.Selector, &labelSelector); err != nil {
				return fmt.Errorf("selection %d: %w", i, err)
			}
			var err error
			// As the disruption and network-policy controllers convert it: nil selects nothing.
			if selector, err = metav1.LabelSelectorAsSelector(labelSelector); err != nil {
				answers[i] = err.Error()
				continue
			}
		} else if len(q.Set) == 0 {
			// A Service without a selector gets no endpoints from the controller.
			selector = labels.Nothing()
		} else {
			selector = labels.SelectorFromSet(q.Set)
		}
		answers[i] = selector.Matches(labels.Set(q.Labels))
	}
	return json.NewEncoder(out).Encode(answers)
}

// imageReference is how the kubelet reads one image: what k8s.io/kubernetes
// pkg/util/parsers.ParseImageName takes from reference.ParseNormalizedNamed, before it adds the
// default tag; or the error that leaves the pod waiting in InvalidImageName.
type imageReference struct {
	Name   string `json:"name,omitempty"`
	Tag    string `json:"tag,omitempty"`
	Digest string `json:"digest,omitempty"`
	Error  string `json:"error,omitempty"`
}

func imageReferences(in io.Reader, out io.Writer) error {
	var images []string
	if err := json.NewDecoder(in).Decode(&images); err != nil {
		return fmt.Errorf("reading images: %w", err)
	}
	answers := make([]imageReference, len(images))
	for i, image := range images {
		named, err := reference.ParseNormalizedNamed(image)
		if err != nil {
			answers[i] = imageReference{Error: err.Error()}
			continue
		}
		answers[i].Name = named.Name()
		if tagged, ok := named.(reference.Tagged); ok {
			answers[i].Tag = tagged.Tag()
		}
		if digested, ok := named.(reference.Digested); ok {
			answers[i].Digest = digested.Digest().String()
		}
	}
	return json.NewEncoder(out).Encode(answers)
}
