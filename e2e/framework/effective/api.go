package effective

import (
	"cmp"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// APIResource is one served resource or subresource, at the version its
// group serves it by first.
type APIResource struct {
	Group, Version, Resource, Subresource string
	Namespaced                            bool
	Verbs                                 []string
}

// API is what a cluster serves, one entry per group and resource
// ("pods/log" for a subresource) whatever the number of versions.
type API map[schema.GroupResource]APIResource

// NewAPI indexes discovery answers as discovery.ServerGroupsAndResources
// gives them (subresources included). A resource served at several
// versions is taken at the first of them in the group's own order (its
// preferred version first); groups may be nil, then the lists' order
// decides.
func NewAPI(groups []*metav1.APIGroup, lists []*metav1.APIResourceList) API {
	rank := map[schema.GroupVersion]int{}
	for _, g := range groups {
		if g == nil {
			continue
		}
		if g.PreferredVersion.Version != "" {
			rank[schema.GroupVersion{Group: g.Name, Version: g.PreferredVersion.Version}] = -1
		}
		for i, v := range g.Versions {
			gv := schema.GroupVersion{Group: g.Name, Version: v.Version}
			if _, ok := rank[gv]; !ok {
				rank[gv] = i
			}
		}
	}
	rankOf := func(gv schema.GroupVersion, order int) int {
		if r, ok := rank[gv]; ok {
			return r
		}
		return 1000 + order
	}
	api := API{}
	best := map[schema.GroupResource]int{}
	for order, l := range lists {
		if l == nil {
			continue
		}
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			continue
		}
		r := rankOf(gv, order)
		for _, res := range l.APIResources {
			gr := schema.GroupResource{Group: gv.Group, Resource: res.Name}
			if b, ok := best[gr]; ok && b <= r {
				continue
			}
			best[gr] = r
			resource, sub, _ := strings.Cut(res.Name, "/")
			api[gr] = APIResource{Group: gv.Group, Version: gv.Version, Resource: resource, Subresource: sub,
				Namespaced: res.Namespaced, Verbs: slices.Clone(res.Verbs)}
		}
	}
	return api
}

// Lookup finds a served resource or subresource.
func (api API) Lookup(group, resource, subresource string) (APIResource, bool) {
	name := resource
	if subresource != "" {
		name += "/" + subresource
	}
	r, ok := api[schema.GroupResource{Group: group, Resource: name}]
	return r, ok
}

// Sorted is every entry, by group, resource and subresource.
func (api API) Sorted() []APIResource {
	out := make([]APIResource, 0, len(api))
	for _, r := range api {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b APIResource) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.Subresource, b.Subresource))
	})
	return out
}

// VersionOf is the version to name a permission's resource by: the served
// one, else the permission's own, else v1.
func (api API) VersionOf(p Permission) string {
	if r, ok := api.Lookup(p.Group, p.Resource, ""); ok {
		return r.Version
	}
	if p.Version != "" {
		return p.Version
	}
	return "v1"
}
