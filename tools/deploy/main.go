// kstatus-watch: the progress lines of `npm run apply` (tools/deploy/deploy.ts). It watches the
// objects named on stdin and prints one tab-separated line whenever one's status or message
// changes: kind, namespace, name, status (Current, InProgress, Failed, NotFound, ...), message.
// The status is kstatus's (github.com/fluxcd/cli-utils, the fork Helm 4 pins): the same watcher
// and rules Helm's `--wait=watcher` waits on, so the lines show exactly what Helm is waiting for.
// Stdin: one object a line, "group<TAB>kind<TAB>namespace<TAB>name"; a cluster-scoped kind's
// namespace is dropped. Flags: kubectl's own (--kubeconfig, --context, ...). Runs until killed.
//
// `kstatus-watch normalize-image IMAGE...` prints each image reference as the kubelet reports a
// running container's image (docker.io/library/nginx:1.14.2 for nginx:1.14.2), by the
// distribution/reference rules container runtimes use.
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/distribution/reference"
	"github.com/fluxcd/cli-utils/pkg/kstatus/polling/event"
	"github.com/fluxcd/cli-utils/pkg/kstatus/watcher"
	"github.com/fluxcd/cli-utils/pkg/object"
	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/dynamic"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "normalize-image" {
		for _, image := range os.Args[2:] {
			named, err := reference.ParseNormalizedNamed(image)
			if err != nil {
				fmt.Fprintf(os.Stderr, "kstatus-watch: image %q: %v\n", image, err)
				os.Exit(1)
			}
			fmt.Println(reference.TagNameOnly(named).String())
		}
		return
	}
	if err := watch(); err != nil {
		fmt.Fprintf(os.Stderr, "kstatus-watch: %v\n", err)
		os.Exit(1)
	}
}

func watch() error {
	config := genericclioptions.NewConfigFlags(true)
	flags := pflag.NewFlagSet("kstatus-watch", pflag.ContinueOnError)
	config.AddFlags(flags)
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
	client, err := dynamic.NewForConfig(rest)
	if err != nil {
		return err
	}

	var ids []object.ObjMetadata
	lines := bufio.NewScanner(os.Stdin)
	for lines.Scan() {
		fields := strings.Split(lines.Text(), "\t")
		if len(fields) != 4 {
			return fmt.Errorf("stdin line %q: want group, kind, namespace and name separated by tabs", lines.Text())
		}
		id := object.ObjMetadata{GroupKind: schema.GroupKind{Group: fields[0], Kind: fields[1]}, Namespace: fields[2], Name: fields[3]}
		if mapping, err := mapper.RESTMapping(id.GroupKind); err == nil && mapping.Scope.Name() == meta.RESTScopeNameRoot {
			id.Namespace = ""
		}
		ids = append(ids, id)
	}

	last := map[object.ObjMetadata]string{}
	out := bufio.NewWriter(os.Stdout)
	for e := range watcher.NewDefaultStatusWatcher(client, mapper).Watch(context.Background(), ids, watcher.Options{}) {
		switch e.Type {
		case event.ErrorEvent:
			fmt.Fprintf(out, "\t\t\tError\t%v\n", e.Error)
		case event.ResourceUpdateEvent:
			rs := e.Resource
			line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s", rs.Identifier.GroupKind.Kind, rs.Identifier.Namespace,
				rs.Identifier.Name, rs.Status, strings.ReplaceAll(rs.Message, "\n", " "))
			if last[rs.Identifier] == line {
				continue
			}
			last[rs.Identifier] = line
			fmt.Fprintln(out, line)
		}
		if err := out.Flush(); err != nil {
			return err
		}
	}
	return nil
}
