// The fail-fast rule of `npm run apply`: when a container of the deploy's pods is stuck, so that
// waiting on until --timeout cannot help, the wait ends early with the kubelet's reason.
//
// Where the rule comes from (kstatus, which Helm waits with, reports most of these as
// InProgress until a deadline):
//   - Which reasons: Argo CD's pod health (argoproj/gitops-engine, pkg/health/health_pod.go)
//     calls a pod Degraded when a container waits with a reason that begins with "Err" or ends
//     with "Error" or "BackOff": ErrImagePull, ImagePullBackOff, ErrImageNeverPull,
//     CreateContainerConfigError, CrashLoopBackOff, and the kubelet's other start errors. Added
//     by name: InvalidImageName, the kubelet's reason for an image reference it cannot parse,
//     which no retry can fix and which neither Argo CD's pattern nor kubedog's list covers.
//     Not counted: a CreateContainerConfigError whose message is the kubelet's "failed to sync
//     configmap cache" (or secret cache): the kubelet has not yet read the object (its watch
//     waits on the node authorizer, which learns of a new pod's references only after it is
//     bound), waited one second for it (pkg/kubelet/util/manager/watch_based_manager.go), and
//     retries on its next sync; what the user got wrong, if anything, comes after ("couldn't find
//     key ...", "configmap ... not found").
//     Pod-level failures are kstatus's own (a pod Unschedulable past its 15 s schedule window),
//     applied to each pod.
//   - How many observations: werf's kubedog (pkg/trackers/rollout/multitrack) allows one
//     failure per resource by default (AllowFailuresCount 1) and fails on the next. Here a
//     failure must be seen on two consecutive observations at least MinGap apart, with nothing
//     healthier seen in between (Shopify's krane failed on the first ImagePullBackOff and had to
//     back off: registries fail transiently). An image pull must moreover have failed again on
//     the kubelet's own retry (a fresh ErrImagePull after the first report; the kubelet retries
//     after 10 s, then 20 s, ...): a registry that answers that retry never fails the deploy.
package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/fluxcd/cli-utils/pkg/kstatus/status"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// MinGap is the least time between the two observations of a failure.
const MinGap = 5 * time.Second

// stuckReason: a container waiting reason that counts as a failure (see the file's comment).
func stuckReason(reason string) bool {
	return strings.HasPrefix(reason, "Err") || strings.HasSuffix(reason, "Error") ||
		strings.HasSuffix(reason, "BackOff") || reason == "InvalidImageName"
}

// kubeletCacheNotSynced: the kubelet's message when its own copy of a ConfigMap or Secret was not
// ready in time, the same message the kubelet wraps (watch_based_manager.go, objectCache.Get).
func kubeletCacheNotSynced(reason, message string) bool {
	return reason == "CreateContainerConfigError" && strings.HasPrefix(message, "failed to sync ") &&
		strings.Contains(message, " cache: ")
}

// pullReason: a failure the kubelet retries by pulling again.
func pullReason(reason string) bool {
	return reason == "ErrImagePull" || reason == "ImagePullBackOff"
}

// Finding is one failure seen in one observation of a pod: a container's waiting reason, or
// (Container "") kstatus's Failed status of the pod itself.
type Finding struct {
	Container string
	Reason    string
	Message   string
}

// PodFindings is what one observation of `pod` shows, init containers first.
func PodFindings(pod *corev1.Pod) []Finding {
	var findings []Finding
	statuses := append(append([]corev1.ContainerStatus{}, pod.Status.InitContainerStatuses...), pod.Status.ContainerStatuses...)
	for _, container := range statuses {
		waiting := container.State.Waiting
		if waiting != nil && stuckReason(waiting.Reason) && !kubeletCacheNotSynced(waiting.Reason, waiting.Message) {
			findings = append(findings, Finding{Container: container.Name, Reason: waiting.Reason, Message: waiting.Message})
		}
	}
	if result := podStatus(pod); result != nil && result.Status == status.FailedStatus && len(findings) == 0 {
		finding := Finding{Reason: "kstatus Failed", Message: result.Message}
		// The scheduler's own words, where kstatus says only "Pod could not be scheduled".
		for _, condition := range pod.Status.Conditions {
			if condition.Type == corev1.PodScheduled && condition.Status == corev1.ConditionFalse {
				finding = Finding{Reason: condition.Reason, Message: condition.Message}
			}
		}
		findings = append(findings, finding)
	}
	return findings
}

// podStatus is kstatus's status of the pod (nil if it cannot be computed).
func podStatus(pod *corev1.Pod) *status.Result {
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(pod)
	if err != nil {
		return nil
	}
	content["apiVersion"], content["kind"] = "v1", "Pod"
	result, err := status.Compute(&unstructured.Unstructured{Object: content})
	if err != nil {
		return nil
	}
	return result
}

// containerPassed: a container in this state has got past what made it wait. A pull or
// configuration error ends once the container runs; a crash loop runs between crashes, so it
// ends only once the container is ready.
func containerPassed(pod *corev1.Pod, name string, streakReason string) bool {
	statuses := append(append([]corev1.ContainerStatus{}, pod.Status.InitContainerStatuses...), pod.Status.ContainerStatuses...)
	for _, container := range statuses {
		if container.Name != name {
			continue
		}
		switch {
		case container.Ready:
			return true
		case container.State.Waiting != nil:
			return !stuckReason(container.State.Waiting.Reason)
		case container.State.Running != nil:
			return streakReason != "CrashLoopBackOff"
		}
		// Terminated, between a crash and the kubelet's back-off: still the same loop.
		return false
	}
	// The container is gone from the status (the pod was replaced or is being deleted).
	return true
}

type streak struct {
	since   time.Time
	reason  string
	message string
	// Failed pulls seen: the first report, then each fresh ErrImagePull (a retry by the kubelet).
	pulls int
	last  string
}

// Verdict: a failure that persisted; the deploy ends with it.
type Verdict struct {
	Pod       string // namespace/name
	Container string // "" for the pod itself
	Reason    string
	Message   string
	Since     time.Time
	At        time.Time
}

func (v Verdict) String() string {
	what := "pod"
	if v.Container != "" {
		what = "container " + v.Container
	}
	message := ""
	if v.Message != "" {
		message = ": " + strings.ReplaceAll(v.Message, "\n", " ")
	}
	return fmt.Sprintf("%s: %s%s (persisted %.0fs)", what, v.Reason, message, v.At.Sub(v.Since).Seconds())
}

// Judge keeps each container's run of failing observations and says when one has persisted.
type Judge struct {
	streaks map[string]*streak // by namespace/pod/container
}

func NewJudge() *Judge { return &Judge{streaks: map[string]*streak{}} }

// Observe takes one observation of `pod` at `now`. It returns the findings seen for the first
// time (for a progress line) and the first verdict, if a failure has now persisted.
func (j *Judge) Observe(pod *corev1.Pod, now time.Time) (fresh []Finding, verdict *Verdict) {
	podKey := pod.Namespace + "/" + pod.Name
	findings := PodFindings(pod)
	seen := map[string]bool{}
	for _, finding := range findings {
		key := podKey + "/" + finding.Container
		seen[key] = true
		s := j.streaks[key]
		if s == nil {
			s = &streak{since: now}
			if pullReason(finding.Reason) {
				s.pulls = 1
			}
			j.streaks[key] = s
			fresh = append(fresh, finding)
		} else if finding.Reason == "ErrImagePull" && s.last != "ErrImagePull" {
			s.pulls++
		}
		s.reason, s.message, s.last = finding.Reason, finding.Message, finding.Reason
		persisted := now.Sub(s.since) >= MinGap && (!pullReason(finding.Reason) || s.pulls >= 2)
		if persisted && verdict == nil {
			verdict = &Verdict{Pod: podKey, Container: finding.Container, Reason: s.reason, Message: s.message, Since: s.since, At: now}
		}
	}
	// A failure not seen in this observation: over if the container has got past it.
	for key, s := range j.streaks {
		if !strings.HasPrefix(key, podKey+"/") || seen[key] {
			continue
		}
		container := strings.TrimPrefix(key, podKey+"/")
		if container == "" || containerPassed(pod, container, s.reason) {
			delete(j.streaks, key)
		}
	}
	return fresh, verdict
}

// Retain forgets the pods not in `live` (namespace/name): they are gone, or no longer judged.
func (j *Judge) Retain(live map[string]bool) {
	for key := range j.streaks {
		namespace, rest, _ := strings.Cut(key, "/")
		name, _, _ := strings.Cut(rest, "/")
		if !live[namespace+"/"+name] {
			delete(j.streaks, key)
		}
	}
}

// Failing lists the failures seen and not over, for a report.
func (j *Judge) Failing() []string {
	var lines []string
	for key, s := range j.streaks {
		lines = append(lines, fmt.Sprintf("%s: %s", key, s.reason))
	}
	sort.Strings(lines)
	return lines
}
