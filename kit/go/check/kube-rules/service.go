// service.go: the Service REST storage's create hook, offline. kube-apiserver stores Services
// through k8s.io/kubernetes pkg/registry/core/service/storage's REST, whose BeginCreate runs
// before validation: normalizeClusterIPs (a Service that sets only clusterIP, `None` for a
// headless one, gets clusterIPs from it), the IP-family defaulting, then the allocation of its
// clusterIPs from --service-cluster-ip-range and of its nodePorts and healthCheckNodePort from
// --service-node-port-range (storage/alloc.go). kube-rules builds that REST with storage.NewREST
// and calls its BeginCreate, Kubernetes' own code throughout; the allocators under it are the
// in-memory ones of ipallocator and portallocator, shared by the objects of one run, as the API
// server's are by the Services created one after another (kubectl apply -f DIR).
package main

import (
	"context"
	"errors"
	"fmt"
	"net"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/storage"
	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/apiserver/pkg/storage/storagebackend/factory"
	"k8s.io/client-go/tools/cache"
	api "k8s.io/kubernetes/pkg/apis/core"
	"k8s.io/kubernetes/pkg/registry/core/service/ipallocator"
	"k8s.io/kubernetes/pkg/registry/core/service/portallocator"
	servicestorage "k8s.io/kubernetes/pkg/registry/core/service/storage"
	netutils "k8s.io/utils/net"
)

// kube-apiserver's default --service-node-port-range (k8s.io/kubernetes
// pkg/kubeapiserver/options.DefaultServiceNodePortRange), which the project's cluster keeps.
var serviceNodePortRange = utilnet.PortRange{Base: 30000, Size: 2768}

// defaultServiceClusterIPRange is kubeadm's default serviceSubnet, what `kube-rules validate`
// takes without --service-cluster-ip-range (kube-apiserver itself has no default).
const defaultServiceClusterIPRange = "10.96.0.0/12"

// serviceCreate is the Service storage's BeginCreate over the allocators of one run.
type serviceCreate struct {
	begin genericregistry.BeginCreateFunc
}

func newServiceCreate(serviceClusterIPRange string) (*serviceCreate, error) {
	_, cidr, err := netutils.ParseCIDRSloppy(serviceClusterIPRange)
	if err != nil {
		return nil, fmt.Errorf("--service-cluster-ip-range=%s: not a CIDR (e.g. %s): %w", serviceClusterIPRange, defaultServiceClusterIPRange, err)
	}
	ips, err := ipallocator.NewInMemory(cidr)
	if err != nil {
		return nil, fmt.Errorf("--service-cluster-ip-range=%s: %w", serviceClusterIPRange, err)
	}
	ports, err := portallocator.NewInMemory(serviceNodePortRange)
	if err != nil {
		return nil, err
	}
	family := api.IPv4Protocol
	if netutils.IsIPv6CIDR(cidr) {
		family = api.IPv6Protocol
	}
	services, _, _, err := servicestorage.NewREST(offlineRESTOptions(), family,
		map[api.IPFamily]ipallocator.Interface{family: offlineIPs{ips}}, offlinePorts{ports}, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	return &serviceCreate{begin: services.BeginCreate}, nil
}

// beginCreate runs the Service storage's BeginCreate on a Service and returns its finish: true
// keeps what it allocated (the Service was created), false releases it. Other objects pass.
func (s *serviceCreate) beginCreate(ctx context.Context, obj runtime.Object) (genericregistry.FinishFunc, error) {
	if _, ok := obj.(*api.Service); !ok {
		return func(context.Context, bool) {}, nil
	}
	return s.begin(ctx, obj, &metav1.CreateOptions{})
}

// offlineRESTOptions gives NewREST a store without storage: only its BeginCreate is called,
// which reads and writes nothing but the allocators.
func offlineRESTOptions() generic.RESTOptions {
	return generic.RESTOptions{
		StorageConfig:  &storagebackend.ConfigForResource{},
		ResourcePrefix: "services",
		Decorator: func(*storagebackend.ConfigForResource, string, func(runtime.Object) (string, error), func() runtime.Object,
			func() runtime.Object, storage.AttrFunc, storage.IndexerFuncs, *cache.Indexers) (storage.Interface, factory.DestroyFunc, error) {
			return nil, func() {}, nil
		},
	}
}

// offlineIPs is the bitmap ClusterIP allocator (ipallocator.Range) as kube-apiserver 1.34's
// MetaAllocator answers a create. That allocator (MultiCIDRServiceAllocator, locked on since
// 1.34) keeps its addresses as ServiceCIDR and IPAddress objects read through informers, which
// offline there are none of, so two of its answers are written here: an IP outside every
// ServiceCIDR is ErrMismatchedNetwork (its getAllocator finds no allocator for it), where the
// bitmap says ErrNotInRange; and an IP it picks itself holds nothing here, since which one it
// picks is random and a later Service asking for that IP by chance is no finding. The range's
// network and broadcast addresses and a taken IP are the bitmap's own answers, ErrNotInRange and
// ErrAllocated, as the MetaAllocator's.
type offlineIPs struct {
	*ipallocator.Range
}

func (r offlineIPs) Allocate(ip net.IP) error {
	cidr := r.CIDR()
	if !cidr.Contains(ip) {
		return ipallocator.ErrMismatchedNetwork
	}
	return r.Range.Allocate(ip)
}

func (r offlineIPs) AllocateNext() (net.IP, error) {
	ip, err := r.Range.AllocateNext()
	if err != nil {
		return nil, err
	}
	return ip, r.Range.Release(ip)
}

func (r offlineIPs) DryRun() ipallocator.Interface {
	panic(errors.New("kube-rules creates for real: the dry-run allocator checks no range"))
}

// offlinePorts is the in-memory nodePort allocator; a port it picks itself holds nothing, as
// offlineIPs' IPs: a nodePort another Service asks for is refused only when that Service asked
// for it too.
type offlinePorts struct {
	*portallocator.PortAllocator
}

func (p offlinePorts) AllocateNext() (int, error) {
	port, err := p.PortAllocator.AllocateNext()
	if err != nil {
		return 0, err
	}
	return port, p.PortAllocator.Release(port)
}
