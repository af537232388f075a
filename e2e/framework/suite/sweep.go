package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// Sweeper deletes every object that carries a label selector, of every
// resource type the cluster serves that can be listed and deleted: the
// suite's own objects and whatever kinds the gate applied from a team's
// manifests, cluster-scoped or in namespaces the suite did not create.
type Sweeper struct {
	Discovery PreferredResources
	Dynamic   dynamic.Interface
	Log       io.Writer
	// Keep spares objects that match the selector but must stay (the run lock).
	Keep func(resource schema.GroupVersionResource, obj *unstructured.Unstructured) bool
	// NamespaceTimeout bounds the wait for swept namespaces to be gone.
	NamespaceTimeout time.Duration
}

// PreferredResources is the part of discovery the sweep needs.
type PreferredResources interface {
	ServerPreferredResources() ([]*metav1.APIResourceList, error)
}

// NewSweeper sweeps through the environment's clients; it spares the run lock.
func NewSweeper(env *Environment, log io.Writer) *Sweeper {
	dyn := env.Dynamic
	// Listing every served type draws the API server's deprecation warnings
	// (v1 Endpoints, ComponentStatus), which say nothing about the run.
	quiet := rest.CopyConfig(env.AdminConfig)
	quiet.WarningHandler = rest.NoWarnings{}
	if d, err := dynamic.NewForConfig(quiet); err == nil {
		dyn = d
	}
	return &Sweeper{Discovery: env.Admin.Discovery(), Dynamic: dyn, Log: log, Keep: IsRunLock, NamespaceTimeout: env.Timeouts.Namespace}
}

// Sweep deletes the objects that match the selector and waits until the
// swept namespaces are gone.
func Sweep(ctx context.Context, env *Environment, selector string, log io.Writer) error {
	_, err := NewSweeper(env, log).Sweep(ctx, selector, true)
	return err
}

var namespacesResource = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}

// sweepFirst are removed before anything else, so no grant outlives the
// sweep when it is cut short; namespaces go last.
var sweepFirst = []string{"clusterrolebindings.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io"}

// Sweep deletes what matches the selector and returns how many objects it
// deleted. With waitNamespaces it waits until the swept namespaces are gone.
// It goes on past a resource type that fails and reports every failure.
func (s *Sweeper) Sweep(ctx context.Context, selector string, waitNamespaces bool) (int, error) {
	log := s.Log
	if log == nil {
		log = io.Discard
	}
	resources, err := s.deletableResources()
	if err != nil {
		return 0, err
	}
	var errs []error
	list := metav1.ListOptions{LabelSelector: selector}
	// Objects in a swept namespace go with it.
	nsList, err := s.Dynamic.Resource(namespacesResource).List(ctx, list)
	if err != nil {
		return 0, fmt.Errorf("sweeping %s: listing namespaces: %w", selector, err)
	}
	swept := map[string]bool{}
	for _, ns := range nsList.Items {
		swept[ns.GetName()] = true
	}
	deleted := 0
	kinds := map[string]int{}
	for _, r := range resources {
		if r.gvr == namespacesResource {
			continue
		}
		objs, err := s.Dynamic.Resource(r.gvr).List(ctx, list)
		if err != nil {
			if !apierrors.IsNotFound(err) && !apierrors.IsMethodNotSupported(err) {
				errs = append(errs, fmt.Errorf("listing %s %s: %w", r.name, selector, err))
			}
			continue
		}
		for i := range objs.Items {
			o := &objs.Items[i]
			if (r.namespaced && swept[o.GetNamespace()]) || (s.Keep != nil && s.Keep(r.gvr, o)) || o.GetDeletionTimestamp() != nil {
				continue
			}
			if err := s.delete(ctx, r.gvr, o); err != nil {
				errs = append(errs, err)
				continue
			}
			deleted++
			kinds[o.GetKind()]++
		}
	}
	for _, ns := range nsList.Items {
		if ns.GetDeletionTimestamp() != nil {
			// Going already (deleted without a wait); deleting it again is a conflict.
			kinds["Namespace (terminating already)"]++
			continue
		}
		if err := s.delete(ctx, namespacesResource, &ns); err != nil {
			errs = append(errs, err)
			continue
		}
		deleted++
		kinds["Namespace"]++
	}
	if deleted > 0 {
		fmt.Fprintf(log, "sweep %s: deleted %s\n", selector, describeCounts(kinds))
	}
	if waitNamespaces && len(nsList.Items) > 0 && len(errs) == 0 {
		if err := s.waitNamespacesGone(ctx, selector, len(nsList.Items), log); err != nil {
			errs = append(errs, err)
		}
	}
	return deleted, errors.Join(errs...)
}

func (s *Sweeper) delete(ctx context.Context, gvr schema.GroupVersionResource, o *unstructured.Unstructured) error {
	bg := metav1.DeletePropagationBackground
	err := s.Dynamic.Resource(gvr).Namespace(o.GetNamespace()).Delete(ctx, o.GetName(), metav1.DeleteOptions{PropagationPolicy: &bg})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting %s %s: %w", o.GetKind(), objectName(o), err)
	}
	return nil
}

func (s *Sweeper) waitNamespacesGone(ctx context.Context, selector string, n int, log io.Writer) error {
	timeout := s.NamespaceTimeout
	if timeout == 0 {
		timeout = 3 * time.Minute
	}
	fmt.Fprintf(log, "waiting for %d namespaces labelled %s to go\n", n, selector)
	var left []string
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		l, err := s.Dynamic.Resource(namespacesResource).List(ctx, metav1.ListOptions{LabelSelector: selector})
		if err != nil {
			return false, nil
		}
		left = left[:0]
		for _, ns := range l.Items {
			left = append(left, ns.GetName())
		}
		return len(left) == 0, nil
	})
	if err != nil {
		return fmt.Errorf("namespaces labelled %s still there after %s: %s", selector, timeout, strings.Join(left, ", "))
	}
	return nil
}

type sweepResource struct {
	gvr        schema.GroupVersionResource
	name       string // resource.group
	namespaced bool
}

// deletableResources are the served resource types (preferred versions, no
// subresources) that allow list and delete, bindings first.
func (s *Sweeper) deletableResources() ([]sweepResource, error) {
	lists, err := s.Discovery.ServerPreferredResources()
	if err != nil && !discovery.IsGroupDiscoveryFailedError(err) {
		return nil, fmt.Errorf("discovery for the sweep: %w", err)
	}
	if err != nil {
		// An aggregated API that is down: sweep what is served.
		fmt.Fprintf(s.logOrDiscard(), "sweep: some API groups are not served, sweeping the others: %v\n", err)
	}
	var out []sweepResource
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			continue
		}
		for _, r := range l.APIResources {
			if strings.Contains(r.Name, "/") || !slices.Contains(r.Verbs, "list") || !slices.Contains(r.Verbs, "delete") {
				continue
			}
			// Events are never labelled by the suite and are many.
			if r.Name == "events" {
				continue
			}
			name := r.Name
			if gv.Group != "" {
				name += "." + gv.Group
			}
			out = append(out, sweepResource{gvr: gv.WithResource(r.Name), name: name, namespaced: r.Namespaced})
		}
	}
	slices.SortStableFunc(out, func(a, b sweepResource) int { return sweepRank(a.name) - sweepRank(b.name) })
	return out, nil
}

func (s *Sweeper) logOrDiscard() io.Writer {
	if s.Log == nil {
		return io.Discard
	}
	return s.Log
}

func sweepRank(name string) int {
	if i := slices.Index(sweepFirst, name); i >= 0 {
		return i
	}
	return len(sweepFirst)
}

func objectName(o *unstructured.Unstructured) string {
	if o.GetNamespace() == "" {
		return o.GetName()
	}
	return o.GetNamespace() + "/" + o.GetName()
}

func describeCounts(kinds map[string]int) string {
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	slices.Sort(names)
	parts := make([]string, 0, len(names))
	for _, k := range names {
		parts = append(parts, fmt.Sprintf("%d %s", kinds[k], k))
	}
	return strings.Join(parts, ", ")
}
