// One binary for the six Kubernetes commands the local cluster runs, as k3s builds its server
// and agent: kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy and
// kubeadm. kit/lab/cluster/build.sh links it once and names it six times (symlinks): the command
// is the name it is started as. Six binaries of k8s.io/kubernetes share nearly every package but
// are linked one by one; one binary links once. Kubernetes' own multi-call binary, hyperkube,
// was removed in 1.19, so this file does its job: each case is that command's own main
// (k8s.io/kubernetes/cmd/NAME/NAME.go at the pinned version), nothing more.
//
// Started as `kube NAME ARGS...`, it runs NAME with ARGS, as hyperkube did.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	_ "time/tzdata" // kube-apiserver and kube-controller-manager: CronJob time zones

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // the JSON log format
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go's metrics
	_ "k8s.io/component-base/metrics/prometheus/version"  // the version metric
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubeadm "k8s.io/kubernetes/cmd/kubeadm/app"
	kubeadmerrors "k8s.io/kubernetes/cmd/kubeadm/app/util/errors"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
)

// Each command as its own main starts it.
var commands = map[string]func(){
	"kube-apiserver":          func() { os.Exit(cli.Run(apiserver.NewAPIServerCommand())) },
	"kube-controller-manager": func() { os.Exit(cli.Run(controllermanager.NewControllerManagerCommand())) },
	"kube-scheduler":          func() { os.Exit(cli.Run(scheduler.NewSchedulerCommand())) },
	"kubelet":                 func() { os.Exit(cli.Run(kubelet.NewKubeletCommand(context.Background()))) },
	"kube-proxy":              func() { os.Exit(cli.Run(proxy.NewProxyCommand())) },
	"kubeadm":                 func() { kubeadmerrors.HandleError(kubeadm.Run()) },
}

func main() {
	name := filepath.Base(os.Args[0])
	if _, ok := commands[name]; !ok && len(os.Args) > 1 {
		// kube NAME ARGS...: NAME's own parsing (cobra reads os.Args) sees NAME ARGS...
		name = os.Args[1]
		os.Args = os.Args[1:]
	}
	command, ok := commands[name]
	if !ok {
		names := make([]string, 0, len(commands))
		for known := range commands {
			names = append(names, known)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "kube: the command must be one of %s (got %q); start this binary under one of "+
			"those names, or as kube NAME ARGS...\n", strings.Join(names, ", "), name)
		os.Exit(2)
	}
	command()
}
