package matrix

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
)

// APIResources is what a cluster serves, keyed by group, version and
// resource; subresources are keyed as "pods/log".
type APIResources map[schema.GroupVersionResource]bool // true: namespaced

// Discover asks the cluster's discovery endpoints what it serves. An
// aggregated API that does not answer leaves its resources out; rows that
// name them are then reported as not served.
func Discover(d discovery.DiscoveryInterface) (APIResources, error) {
	_, lists, err := discovery.ServerGroupsAndResources(d)
	if err != nil && len(lists) == 0 {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	return NewAPIResources(lists), nil
}

// NewAPIResources indexes discovery answers.
func NewAPIResources(lists []*metav1.APIResourceList) APIResources {
	out := APIResources{}
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			continue
		}
		for _, r := range l.APIResources {
			out[gv.WithResource(r.Name)] = r.Namespaced
		}
	}
	return out
}

// CheckServed rejects rows whose resource or subresource the cluster does
// not serve, and rows whose namespaces do not fit the resource's scope.
func (m *Matrix) CheckServed(api APIResources) error {
	var errs []error
	seen := map[string]bool{}
	add := func(e *Error) {
		if !seen[e.Error()] {
			seen[e.Error()] = true
			errs = append(errs, e)
		}
	}
	for _, c := range m.Checks {
		if c.URL != "" {
			continue
		}
		namespaced, ok := api[c.Resource]
		if !ok {
			add(errorf(c.ResourcePos, "%s is not served by the cluster%s", gvrString(c.Resource), api.elsewhere(c.Resource)))
			continue
		}
		if c.Subresource != "" {
			sub := c.Resource
			sub.Resource += "/" + c.Subresource
			if _, ok := api[sub]; !ok {
				add(errorf(c.SubresourcePos, "%s has no subresource %q on the cluster%s", gvrString(c.Resource), c.Subresource, api.subresources(c.Resource)))
				continue
			}
		}
		switch {
		case !namespaced && c.Namespace != "":
			add(errorf(c.NamespacePos, "%s is cluster-scoped: a row for it has no namespaces", gvrString(c.Resource)))
		case namespaced && c.Namespace == "" && c.Verb != "list" && c.Verb != "watch":
			p := c.Row
			p.Field = join(p.Field, "namespaces")
			add(errorf(p, "%s is namespaced: %s needs namespaces (only list and watch span all namespaces)", gvrString(c.Resource), c.Verb))
		}
	}
	if len(errs) > 0 {
		return joinSorted(errs)
	}
	return nil
}

// elsewhere names the group versions that do serve a resource of that name.
func (api APIResources) elsewhere(want schema.GroupVersionResource) string {
	var found []string
	for gvr := range api {
		if gvr.Resource == want.Resource {
			found = append(found, gvrString(gvr))
		}
	}
	if len(found) == 0 {
		return " (no group serves a resource of that name)"
	}
	slices.Sort(found)
	return " (served: " + strings.Join(found, ", ") + ")"
}

func (api APIResources) subresources(parent schema.GroupVersionResource) string {
	var subs []string
	for gvr := range api {
		if gvr.GroupVersion() == parent.GroupVersion() && strings.HasPrefix(gvr.Resource, parent.Resource+"/") {
			subs = append(subs, strings.TrimPrefix(gvr.Resource, parent.Resource+"/"))
		}
	}
	if len(subs) == 0 {
		return " (it has none)"
	}
	slices.Sort(subs)
	return " (it has " + strings.Join(subs, ", ") + ")"
}

// gvrString is the fixture spelling: apps/v1/deployments, v1/pods.
func gvrString(gvr schema.GroupVersionResource) string {
	if gvr.Group == "" {
		return gvr.Version + "/" + gvr.Resource
	}
	return gvr.Group + "/" + gvr.Version + "/" + gvr.Resource
}
