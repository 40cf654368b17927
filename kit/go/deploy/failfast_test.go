// The fail-fast rule of failfast.go, on sequences of pod observations as the kubelet writes them
// (the reasons and their order are those of a real node: kit/lab/e2e/deploy-node.test.ts runs
// the same cases there). Run by `npm run test:check` as `go test -trimpath`, which reuses the
// packages the build lane compiled for Helm (also -trimpath) instead of compiling them again.
package main

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// A container state, written short: "waiting:REASON" (or "waiting:REASON:the kubelet's message"),
// "running", "ready", "terminated".
type step struct {
	at    float64 // seconds after the first observation
	state string
}

func podWith(name, state string, created time.Time) *corev1.Pod {
	status := corev1.ContainerStatus{Name: "app"}
	phase := corev1.PodRunning
	switch kind, waiting, _ := strings.Cut(state, ":"); kind {
	case "waiting":
		reason, message, given := strings.Cut(waiting, ":")
		if !given {
			message = "the kubelet's message"
		}
		status.State.Waiting = &corev1.ContainerStateWaiting{Reason: reason, Message: message}
		phase = corev1.PodPending
	case "running":
		status.State.Running = &corev1.ContainerStateRunning{}
	case "ready":
		status.State.Running = &corev1.ContainerStateRunning{}
		status.Ready = true
	case "terminated":
		status.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error"}
	}
	if strings.HasPrefix(state, "waiting:CrashLoopBackOff") {
		phase = corev1.PodRunning
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name, CreationTimestamp: metav1.NewTime(created)},
		Status:     corev1.PodStatus{Phase: phase, ContainerStatuses: []corev1.ContainerStatus{status}},
	}
}

func TestRule(t *testing.T) {
	cases := []struct {
		name  string
		steps []step
		// The second at which the deploy fails; -1: it does not.
		failsAt float64
		reason  string
	}{
		{"a missing tag: fails when the kubelet's retry fails too",
			[]step{{0, "waiting:ErrImagePull"}, {1, "waiting:ImagePullBackOff"}, {5, "waiting:ImagePullBackOff"},
				{11, "waiting:ErrImagePull"}, {12, "waiting:ImagePullBackOff"}}, 11, "ErrImagePull"},
		{"a pull that works on the kubelet's retry: never fails",
			[]step{{0, "waiting:ErrImagePull"}, {1, "waiting:ImagePullBackOff"}, {6, "waiting:ImagePullBackOff"},
				{11, "running"}, {13, "ready"}}, -1, ""},
		{"first seen in back-off: that is one failed pull, the next ErrImagePull the second",
			[]step{{0, "waiting:ImagePullBackOff"}, {4, "waiting:ErrImagePull"}, {6, "waiting:ErrImagePull"}}, 6, "ErrImagePull"},
		{"an image reference the kubelet cannot parse: two observations 5 s apart",
			[]step{{0, "waiting:InvalidImageName"}, {3, "waiting:InvalidImageName"}, {5, "waiting:InvalidImageName"}}, 5, "InvalidImageName"},
		{"a missing ConfigMap key",
			[]step{{0, "waiting:ContainerCreating"}, {1, "waiting:CreateContainerConfigError"}, {6, "waiting:CreateContainerConfigError"}},
			6, "CreateContainerConfigError"},
		{"the kubelet's own copy of the ConfigMap not read yet: not counted; the missing key it then reports is",
			[]step{{0, "waiting:CreateContainerConfigError:failed to sync configmap cache: timed out waiting for the condition"},
				{6, "waiting:CreateContainerConfigError:failed to sync configmap cache: timed out waiting for the condition"},
				{8, "waiting:CreateContainerConfigError:couldn't find key no-such-key in ConfigMap ns/kube-root-ca.crt"},
				{13, "waiting:CreateContainerConfigError:couldn't find key no-such-key in ConfigMap ns/kube-root-ca.crt"}},
			13, "CreateContainerConfigError"},
		{"an image the node may not pull (imagePullPolicy Never)",
			[]step{{0, "waiting:ErrImageNeverPull"}, {5, "waiting:ErrImageNeverPull"}}, 5, "ErrImageNeverPull"},
		{"a crash loop: running between crashes does not end it",
			[]step{{0, "terminated"}, {1, "waiting:CrashLoopBackOff"}, {3, "running"}, {4, "terminated"},
				{6, "waiting:CrashLoopBackOff"}}, 6, "CrashLoopBackOff"},
		{"a container that crashed once, then became ready",
			[]step{{0, "waiting:CrashLoopBackOff"}, {2, "running"}, {3, "ready"}, {9, "ready"}}, -1, ""},
		{"a failure seen once and gone by the next observation",
			[]step{{0, "waiting:CreateContainerConfigError"}, {4, "waiting:ContainerCreating"},
				{6, "waiting:CreateContainerConfigError"}, {10, "running"}}, -1, ""},
		{"reasons that are not failures",
			[]step{{0, "waiting:ContainerCreating"}, {10, "waiting:PodInitializing"}, {20, "running"}}, -1, ""},
	}
	start := time.Now()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			judge := NewJudge()
			failedAt := -1.0
			var verdict *Verdict
			for _, s := range c.steps {
				_, v := judge.Observe(podWith("p", s.state, start), start.Add(time.Duration(s.at*float64(time.Second))))
				if v != nil && verdict == nil {
					verdict, failedAt = v, s.at
				}
			}
			if failedAt != c.failsAt {
				t.Fatalf("fails at %v s, want %v (verdict %v)", failedAt, c.failsAt, verdict)
			}
			if verdict != nil && (verdict.Reason != c.reason || verdict.Container != "app" || verdict.Pod != "ns/p") {
				t.Fatalf("verdict %+v, want reason %s of container app of ns/p", verdict, c.reason)
			}
		})
	}
}

func TestReasons(t *testing.T) {
	// Argo CD's pattern, and InvalidImageName by name.
	for _, reason := range []string{"ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull",
		"CreateContainerConfigError", "CreateContainerError", "CrashLoopBackOff", "RunContainerError"} {
		if !stuckReason(reason) {
			t.Errorf("%s: not counted as a failure", reason)
		}
	}
	for _, reason := range []string{"ContainerCreating", "PodInitializing", ""} {
		if stuckReason(reason) {
			t.Errorf("%s: counted as a failure", reason)
		}
	}
}

// kstatus's own pod rule: Unschedulable counts once the pod is past kstatus's 15 s schedule
// window, and then must persist MinGap like any other failure.
func TestUnschedulable(t *testing.T) {
	unschedulable := func(created time.Time) *corev1.Pod {
		return &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "p", CreationTimestamp: metav1.NewTime(created)},
			Status: corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{{
				Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: "Unschedulable",
				Message: "0/1 nodes are available: 1 Insufficient cpu.",
			}}},
		}
	}
	now := time.Now()
	judge := NewJudge()
	if fresh, v := judge.Observe(unschedulable(now.Add(-5*time.Second)), now); len(fresh) != 0 || v != nil {
		t.Fatalf("a pod 5 s old: %v %v, want nothing yet (kstatus's schedule window)", fresh, v)
	}
	old := unschedulable(now.Add(-20 * time.Second))
	if fresh, v := judge.Observe(old, now); len(fresh) != 1 || v != nil {
		t.Fatalf("a pod 20 s old, first observation: %v %v, want one finding and no verdict", fresh, v)
	}
	_, v := judge.Observe(old, now.Add(MinGap))
	if v == nil || v.Container != "" || v.String() != "pod: Unschedulable: 0/1 nodes are available: 1 Insufficient cpu. (persisted 5s)" {
		t.Fatalf("second observation %v later: %v, want the scheduler's reason", MinGap, v)
	}
}
