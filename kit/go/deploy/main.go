// kstatus-watch: the waiting of `npm run apply` (kit/pkg/deploy/deploy.ts). It watches the objects
// named on stdin and the pods they run, prints a line whenever something changes, and says when
// all of it is healthy or when a failure has persisted (failfast.go), so that the deploy ends
// with the cluster's reason instead of waiting out its --timeout.
//
// The objects' status is kstatus's (github.com/fluxcd/cli-utils, the fork Helm 4 pins): the
// same watcher and rules Helm's `--wait=watcher` waits on, so a line shows exactly what Helm is
// waiting for. Added to kstatus, each for a reason given where it is done:
//   - a bare Pod is healthy once it runs the images of the manifest (an image changed in place
//     is applied by the kubelet after it has reported the Pod Ready with the old container);
//   - a Service with a selector is healthy once an EndpointSlice has a ready endpoint (kstatus
//     counts a Service as Current at once);
//   - the pods of what was applied (bare Pods, and the pods a Deployment's newest ReplicaSet
//     created after the watch began) are judged by the fail-fast rule of failfast.go;
//   - an object kstatus reports Failed ends the wait as well (Helm 4 stops waiting for a Failed
//     object, and then still waits for all the others).
//
// Stdin, one object a line: group, kind, namespace, name and, for a Pod, its containers' images
// as the manifest names them ("name=image,name=image"), for a Service "endpoints" if it has a
// selector; tab-separated. A cluster-scoped kind's namespace is dropped. Flags: kubectl's own
// (--kubeconfig, --context, ...). Stdout, tab-separated, the first field says what the line is:
//
//	synced                                    the watches have their first lists: start applying
//	status  KIND NAMESPACE NAME STATUS MESSAGE  kstatus's status of an object changed
//	ready   KIND NAMESPACE NAME MESSAGE         a Pod runs its images and is Ready; a Service has ready endpoints
//	failing NAMESPACE POD CONTAINER REASON MESSAGE  a failure seen for the first time
//	healthy                                   everything is healthy now (unhealthy: no longer)
//	failed  KIND NAMESPACE NAME WHY             a failure persisted: the wait should end
//	error   MESSAGE                           kstatus's watch failed
//
// A watch of pods, ReplicaSets or EndpointSlices that fails (e.g. forbidden) is said once on
// stderr; what needs it is then not checked, and the rest goes on.
//
// Runs until killed.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/distribution/reference"
	"github.com/fluxcd/cli-utils/pkg/kstatus/polling/event"
	"github.com/fluxcd/cli-utils/pkg/kstatus/status"
	"github.com/fluxcd/cli-utils/pkg/kstatus/watcher"
	"github.com/fluxcd/cli-utils/pkg/object"
	"github.com/spf13/pflag"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"
)

func main() {
	if err := watch(); err != nil {
		fmt.Fprintf(os.Stderr, "kstatus-watch: %v\n", err)
		os.Exit(1)
	}
}

// target is one object of the deploy, with what is checked beyond kstatus.
type target struct {
	id        object.ObjMetadata
	images    map[string]string // a Pod's containers' images, as the manifest names them
	endpoints bool              // a Service with a selector
}

func readTargets(in io.Reader, mapper meta.RESTMapper) ([]target, error) {
	var targets []target
	lines := bufio.NewScanner(in)
	for lines.Scan() {
		fields := strings.Split(lines.Text(), "\t")
		if len(fields) != 4 && len(fields) != 5 {
			return nil, fmt.Errorf("stdin line %q: want group, kind, namespace, name and what to check, separated by tabs", lines.Text())
		}
		t := target{id: object.ObjMetadata{GroupKind: schema.GroupKind{Group: fields[0], Kind: fields[1]}, Namespace: fields[2], Name: fields[3]}}
		if mapping, err := mapper.RESTMapping(t.id.GroupKind); err == nil && mapping.Scope.Name() == meta.RESTScopeNameRoot {
			t.id.Namespace = ""
		}
		if len(fields) == 5 && fields[4] != "" {
			switch {
			case t.id.GroupKind == (schema.GroupKind{Kind: "Service"}) && fields[4] == "endpoints":
				t.endpoints = true
			case t.id.GroupKind == (schema.GroupKind{Kind: "Pod"}):
				t.images = map[string]string{}
				for _, pair := range strings.Split(fields[4], ",") {
					name, image, ok := strings.Cut(pair, "=")
					if !ok {
						return nil, fmt.Errorf("stdin line %q: want name=image pairs for a Pod", lines.Text())
					}
					t.images[name] = image
				}
			default:
				return nil, fmt.Errorf("stdin line %q: a %s has no check %q (a Pod takes name=image pairs, a Service \"endpoints\")",
					lines.Text(), t.id.GroupKind.Kind, fields[4])
			}
		}
		targets = append(targets, t)
	}
	return targets, lines.Err()
}

func watch() error {
	// client-go's own log lines (a forbidden list, retried every second) would flood the
	// progress: the first error of each watch is said once instead (startInformers).
	klogFlags := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(klogFlags)
	for name, value := range map[string]string{"logtostderr": "false", "alsologtostderr": "false", "stderrthreshold": "FATAL"} {
		_ = klogFlags.Set(name, value)
	}
	klog.SetOutput(io.Discard)
	config := genericclioptions.NewConfigFlags(true)
	flags := pflag.NewFlagSet("kstatus-watch", pflag.ContinueOnError)
	config.AddFlags(flags)
	// A restore: the kubelet may still back off from the failed revision's container (an image
	// changed in place keeps the pod's CrashLoopBackOff) before it tries the restored spec, so
	// only healthy (or the caller's timeout) ends that wait.
	noFailFast := flags.Bool("no-fail-fast", false, "only say healthy: no failure ends the wait")
	if err := flags.Parse(os.Args[1:]); err != nil {
		return err
	}
	mapper, err := config.ToRESTMapper()
	if err != nil {
		return err
	}
	rest, err := config.ToRESTConfig()
	if err != nil {
		return err
	}
	dynamicClient, err := dynamic.NewForConfig(rest)
	if err != nil {
		return err
	}
	clientset, err := kubernetes.NewForConfig(rest)
	if err != nil {
		return err
	}
	targets, err := readTargets(os.Stdin, mapper)
	if err != nil {
		return err
	}

	w := newWatch(targets)
	w.noFailFast = *noFailFast
	ctx := context.Background()
	changed := make(chan struct{}, 1)
	notify := func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	w.startInformers(ctx, clientset, notify)

	ids := make([]object.ObjMetadata, 0, len(targets))
	for _, t := range targets {
		ids = append(ids, t.id)
	}
	events := watcher.NewDefaultStatusWatcher(dynamicClient, mapper).Watch(ctx, ids, watcher.Options{})
	// Each second, the pods are observed again: a failure whose status does not change (a
	// missing ConfigMap key) persists by time alone.
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	// kstatus never syncs a watch it may not list: the deploy does not wait on it for ever.
	syncDeadline := time.NewTimer(15 * time.Second)
	defer syncDeadline.Stop()
	markSynced := func() {
		if !w.synced {
			w.waitForInformers(ctx)
			w.synced = true
			w.print("synced")
		}
	}
	for {
		select {
		case e, ok := <-events:
			if !ok {
				return nil
			}
			switch e.Type {
			case event.ErrorEvent:
				message := "kstatus's watch failed"
				if e.Error != nil {
					message = e.Error.Error()
				}
				w.print("error", message)
			case event.SyncEvent:
				markSynced()
			case event.ResourceUpdateEvent:
				w.updateStatus(e.Resource)
			}
		case <-syncDeadline.C:
			if !w.synced {
				fmt.Fprintln(os.Stderr, "kstatus has not listed every object in 15 s (a watch it may not list?); going on")
				markSynced()
			}
		case <-changed:
		case <-tick.C:
		}
		if w.synced {
			w.evaluate(time.Now())
		}
		if err := w.out.Flush(); err != nil {
			return err
		}
	}
}

type objectState struct {
	status     *event.ResourceStatus
	generation int64 // before the deploy; -1 if it did not exist then
	failedAt   time.Time
}

type watchState struct {
	targets []target
	out     *bufio.Writer
	judge   *Judge
	objects map[object.ObjMetadata]*objectState
	// The last line printed per object, so that only changes are printed.
	printed map[string]string
	healthy bool
	failed  bool
	// Set once the first lists are in: an object first seen after that was created by the deploy.
	synced     bool
	noFailFast bool

	mu        sync.Mutex
	informers map[string]*namespaceInformers // by namespace
	// Pods that existed when the watch began: a Deployment's pods count only if created later.
	existing map[types.UID]bool
}

type namespaceInformers struct {
	factory        informers.SharedInformerFactory
	pods           cache.SharedIndexInformer
	replicaSets    cache.SharedIndexInformer
	endpointSlices cache.SharedIndexInformer
}

func newWatch(targets []target) *watchState {
	return &watchState{
		targets:   targets,
		out:       bufio.NewWriter(os.Stdout),
		judge:     NewJudge(),
		objects:   map[object.ObjMetadata]*objectState{},
		printed:   map[string]string{},
		informers: map[string]*namespaceInformers{},
		existing:  map[types.UID]bool{},
	}
}

func (w *watchState) print(fields ...string) {
	for i, field := range fields {
		fields[i] = strings.NewReplacer("\t", " ", "\n", " ").Replace(field)
	}
	fmt.Fprintln(w.out, strings.Join(fields, "\t"))
}

// startInformers watches, in each namespace of the deploy, the pods, ReplicaSets and
// EndpointSlices (what the deploy's own objects run and route to).
func (w *watchState) startInformers(ctx context.Context, clientset kubernetes.Interface, notify func()) {
	handler := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { notify() },
		UpdateFunc: func(any, any) { notify() },
		DeleteFunc: func(any) { notify() },
	}
	for _, t := range w.targets {
		namespace := t.id.Namespace
		if namespace == "" || w.informers[namespace] != nil {
			continue
		}
		factory := informers.NewSharedInformerFactoryWithOptions(clientset, 0, informers.WithNamespace(namespace))
		ni := &namespaceInformers{
			factory:        factory,
			pods:           factory.Core().V1().Pods().Informer(),
			replicaSets:    factory.Apps().V1().ReplicaSets().Informer(),
			endpointSlices: factory.Discovery().V1().EndpointSlices().Informer(),
		}
		for what, informer := range map[string]cache.SharedIndexInformer{
			"pods": ni.pods, "replicasets": ni.replicaSets, "endpointslices": ni.endpointSlices,
		} {
			reported := false
			_ = informer.SetWatchErrorHandler(func(_ *cache.Reflector, err error) {
				w.mu.Lock()
				defer w.mu.Unlock()
				if !reported {
					reported = true
					fmt.Fprintf(os.Stderr, "cannot watch %s in namespace %s (what needs them is not checked): %v\n", what, namespace, err)
				}
			})
			_, _ = informer.AddEventHandler(handler)
		}
		w.informers[namespace] = ni
		factory.Start(ctx.Done())
	}
}

// waitForInformers waits up to 10 s for the first lists (a watch that is forbidden never gets
// one: it is reported on stderr and left out), then notes the pods that exist already.
func (w *watchState) waitForInformers(ctx context.Context) {
	bounded, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for _, ni := range w.informers {
		cache.WaitForCacheSync(bounded.Done(), ni.pods.HasSynced, ni.replicaSets.HasSynced, ni.endpointSlices.HasSynced)
		for _, item := range ni.pods.GetStore().List() {
			w.existing[item.(*corev1.Pod).UID] = true
		}
	}
}

func (w *watchState) updateStatus(rs *event.ResourceStatus) {
	state := w.objects[rs.Identifier]
	if state == nil {
		state = &objectState{generation: -1}
		if !w.synced && rs.Resource != nil {
			state.generation = rs.Resource.GetGeneration()
		}
		w.objects[rs.Identifier] = state
	}
	state.status = rs
	line := []string{"status", rs.Identifier.GroupKind.Kind, rs.Identifier.Namespace, rs.Identifier.Name, rs.Status.String(), rs.Message}
	w.printOnChange("status/"+rs.Identifier.String(), line...)
}

func (w *watchState) printOnChange(key string, fields ...string) {
	line := strings.Join(fields, "\t")
	if w.printed[key] == line {
		return
	}
	w.printed[key] = line
	w.print(fields...)
}

// evaluate reads everything again and prints what changed: the verdicts first.
func (w *watchState) evaluate(now time.Time) {
	if w.failed {
		return
	}
	live := map[string]bool{}
	for _, t := range w.targets {
		for _, pod := range w.podsOf(t) {
			live[pod.Namespace+"/"+pod.Name] = true
			fresh, verdict := w.judge.Observe(pod, now)
			for _, f := range fresh {
				w.print("failing", pod.Namespace, pod.Name, f.Container, f.Reason, f.Message)
			}
			if verdict != nil && !w.failed && !w.noFailFast {
				w.failed = true
				w.print("failed", "Pod", pod.Namespace, pod.Name, verdict.String())
			}
		}
		if state := w.objects[t.id]; state != nil && state.status != nil && !w.failed {
			if state.status.Status == status.FailedStatus && w.applied(t, state) {
				if state.failedAt.IsZero() {
					state.failedAt = now
				} else if now.Sub(state.failedAt) >= MinGap && !w.noFailFast {
					w.failed = true
					w.print("failed", t.id.GroupKind.Kind, t.id.Namespace, t.id.Name,
						fmt.Sprintf("kstatus Failed: %s (persisted %.0fs)", state.status.Message, now.Sub(state.failedAt).Seconds()))
				}
			} else {
				state.failedAt = time.Time{}
			}
		}
	}
	w.judge.Retain(live)
	if w.failed {
		return
	}
	healthy := true
	for _, t := range w.targets {
		state := w.objects[t.id]
		if state == nil || state.status == nil || state.status.Status != status.CurrentStatus {
			healthy = false
		}
		key := "ready/" + t.id.String()
		if message, ok := w.extraReady(t); !ok {
			healthy = false
			delete(w.printed, key)
		} else if message != "" {
			w.printOnChange(key, "ready", t.id.GroupKind.Kind, t.id.Namespace, t.id.Name, message)
		}
	}
	if healthy != w.healthy {
		w.healthy = healthy
		if healthy {
			w.print("healthy")
		} else {
			w.print("unhealthy")
		}
	}
}

// applied: the object's Failed status is of what this deploy applied, not of what ran before it
// (a deploy that fixes a failed one must not fail on the old state before Helm has applied the
// fix). An object Helm leaves unchanged and Failed is Helm's own wait to fail.
func (w *watchState) applied(t target, state *objectState) bool {
	if state.generation < 0 {
		return true
	}
	if state.status.Resource != nil && state.status.Resource.GetGeneration() > state.generation {
		return true
	}
	if t.images != nil {
		if pod := w.pod(t.id.Namespace, t.id.Name); pod != nil {
			return runsManifestSpec(pod, t.images)
		}
	}
	return false
}

func (w *watchState) pod(namespace, name string) *corev1.Pod {
	ni := w.informers[namespace]
	if ni == nil {
		return nil
	}
	item, exists, err := ni.pods.GetStore().GetByKey(namespace + "/" + name)
	if err != nil || !exists {
		return nil
	}
	return item.(*corev1.Pod)
}

// podsOf: the pods the fail-fast rule judges for this object. A bare Pod once its spec names the
// manifest's images (before Helm has applied them, its failures are the old revision's); a
// Deployment's pods of its newest ReplicaSet that were created after the watch began.
func (w *watchState) podsOf(t target) []*corev1.Pod {
	ni := w.informers[t.id.Namespace]
	if ni == nil {
		return nil
	}
	switch t.id.GroupKind {
	case schema.GroupKind{Kind: "Pod"}:
		if pod := w.pod(t.id.Namespace, t.id.Name); pod != nil && runsManifestSpec(pod, t.images) {
			return []*corev1.Pod{pod}
		}
	case schema.GroupKind{Group: "apps", Kind: "Deployment"}:
		var newest *appsv1.ReplicaSet
		newestRevision := int64(-1)
		for _, item := range ni.replicaSets.GetStore().List() {
			rs := item.(*appsv1.ReplicaSet)
			if owner := metav1.GetControllerOf(rs); owner == nil || owner.Kind != "Deployment" || owner.Name != t.id.Name {
				continue
			}
			revision, err := strconv.ParseInt(rs.Annotations["deployment.kubernetes.io/revision"], 10, 64)
			if err == nil && revision > newestRevision {
				newest, newestRevision = rs, revision
			}
		}
		if newest == nil {
			return nil
		}
		var pods []*corev1.Pod
		for _, item := range ni.pods.GetStore().List() {
			pod := item.(*corev1.Pod)
			if owner := metav1.GetControllerOf(pod); owner != nil && owner.UID == newest.UID && !w.existing[pod.UID] {
				pods = append(pods, pod)
			}
		}
		sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
		return pods
	}
	return nil
}

// runsManifestSpec: the pod's spec names the manifest's image for each container.
func runsManifestSpec(pod *corev1.Pod, images map[string]string) bool {
	for _, container := range pod.Spec.Containers {
		if image, ok := images[container.Name]; ok && image != container.Image {
			return false
		}
	}
	return true
}

// extraReady: what a target needs beyond kstatus's Current, and a line saying it holds ("" when
// nothing is needed).
func (w *watchState) extraReady(t target) (string, bool) {
	switch {
	case t.images != nil:
		pod := w.pod(t.id.Namespace, t.id.Name)
		if pod == nil || !runsManifestSpec(pod, t.images) || !podReady(pod) {
			return "", false
		}
		var running []string
		for _, container := range pod.Spec.Containers {
			reported := ""
			for _, s := range pod.Status.ContainerStatuses {
				if s.Name == container.Name {
					reported = s.Image
				}
			}
			if reported != container.Image && reported != normalizeImage(container.Image) {
				return "", false
			}
			running = append(running, container.Image)
		}
		return fmt.Sprintf("Current: runs %s and is Ready", strings.Join(running, ", ")), true
	case t.endpoints:
		ni := w.informers[t.id.Namespace]
		if ni == nil {
			return "", false
		}
		selector := labels.SelectorFromSet(labels.Set{"kubernetes.io/service-name": t.id.Name})
		for _, item := range ni.endpointSlices.GetStore().List() {
			slice := item.(*discoveryv1.EndpointSlice)
			if !selector.Matches(labels.Set(slice.Labels)) {
				continue
			}
			for _, endpoint := range slice.Endpoints {
				if endpoint.Conditions.Ready != nil && *endpoint.Conditions.Ready {
					return "Current: has ready endpoints", true
				}
			}
		}
		return "", false
	}
	return "", true
}

func podReady(pod *corev1.Pod) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// normalizeImage: the reference as a container runtime reports a running container's image
// (docker.io/library/nginx:1.14.2 for nginx:1.14.2), by the distribution/reference rules.
func normalizeImage(image string) string {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return image
	}
	return reference.TagNameOnly(named).String()
}
