// The NetworkPolicy enforcer of the real node (up.sh --real-node): the policy engine of
// sigs.k8s.io/kube-network-policies (SIG Network's enforcer, pkg/networkpolicy) with a main of
// our own, because its shipped main cannot run here:
//   - it reads only the in-cluster configuration; this main builds its client from a
//     kubeconfig (--kubeconfig), as the kubelet and kube-proxy of the node do;
//   - it hands new connections to userspace with nftables' `queue` expression, which this
//     kernel lacks (CONFIG_NFT_QUEUE unset). The engine's nftables sync therefore fails and
//     changes nothing; node.sh sends the same connections to the same queue with iptables'
//     NFQUEUE target instead, and down.sh removes those rules by their comment;
//   - NRI stays on in the engine's Config although containerd 1.6 has no NRI: with it off,
//     v0.8.0 dereferences its nil NRI plugin for every address that is no pod's (the node's,
//     say) and crashes (nri.go GetPodFromIP), which is why its -disable-nri flag cannot work.
//     On, the plugin fails to reach a runtime, logs it, and pod IPs come from the API server.
//
// Everything else (the informers, the per-packet verdicts, the queue) is the engine's own.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"sigs.k8s.io/kube-network-policies/pkg/networkpolicy"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster whose NetworkPolicies to enforce (required)")
	nodeName := flag.String("hostname-override", "", "name of the Node this runs on (required)")
	queueID := flag.Int("nfqueue-id", 100, "the NFQUEUE number the iptables rules send new connections to")
	tableName := flag.String("nftables-table", "k8s-sandbox-netpol", "name of the nftables table the engine tries to create (it cannot here; down.sh removes it if it ever exists)")
	klog.InitFlags(nil)
	flag.Parse()
	if *kubeconfig == "" || *nodeName == "" {
		fmt.Fprintf(os.Stderr, "netpol: --kubeconfig and --hostname-override are required (got %q and %q)\n", *kubeconfig, *nodeName)
		os.Exit(2)
	}
	if err := run(*kubeconfig, *nodeName, *queueID, *tableName); err != nil {
		fmt.Fprintf(os.Stderr, "netpol: %v\n", err)
		os.Exit(1)
	}
}

func run(kubeconfig, nodeName string, queueID int, tableName string) error {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	config, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return fmt.Errorf("reading kubeconfig %s: %w", kubeconfig, err)
	}
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		return err
	}
	factory := informers.NewSharedInformerFactory(client, 0)
	controller, err := networkpolicy.NewController(
		client,
		factory.Networking().V1().NetworkPolicies(),
		factory.Core().V1().Namespaces(),
		factory.Core().V1().Pods(),
		nil, nil, nil, nil, // nodes and the AdminNetworkPolicy APIs: not used (alpha, off upstream too)
		networkpolicy.Config{
			QueueID:     queueID,
			NodeName:    nodeName,
			NFTableName: tableName,
		},
	)
	if err != nil {
		return fmt.Errorf("creating the policy engine: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- controller.Run(ctx) }()
	factory.Start(ctx.Done())
	select {
	case err := <-done:
		// Run returns early only when it cannot open the queue.
		if err != nil {
			return fmt.Errorf("the policy engine stopped: %w", err)
		}
	case <-ctx.Done():
		<-done
	}
	return nil
}
