package effective

import (
	"cmp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/matrix"
)

// IsURL tells a non-resource URL permission from a resource one.
func (p Permission) IsURL() bool { return p.URL != "" }

// Key identifies a permission whatever version names its resource: the
// verb, group, resource, subresource, name, namespace and URL, joined by
// "|" (a "|" or "\" inside a field is escaped with "\").
func (p Permission) Key() string {
	fields := []string{p.Verb, p.Group, p.Resource, p.Subresource, p.Name, p.Namespace, p.URL}
	for i, f := range fields {
		if strings.ContainsAny(f, `|\`) {
			fields[i] = strings.NewReplacer(`\`, `\\`, `|`, `\|`).Replace(f)
		}
	}
	return strings.Join(fields, "|")
}

// String reads like "get secrets in namespace team-a", "list
// deployments.apps at cluster scope", "get pods/log in namespace a",
// "impersonate users alice at cluster scope" or "get /metrics".
func (p Permission) String() string { return p.Request().Target() }

// Compare orders permissions: resource ones first, by group, resource,
// subresource, namespace (cluster scope first), name, then verb in the
// order of matrix.ResourceVerbs and matrix.SpecialVerbs; then URLs, by
// URL and verb in the order of matrix.URLVerbs. Version breaks ties only.
func Compare(a, b Permission) int {
	if a.IsURL() != b.IsURL() {
		if a.IsURL() {
			return 1
		}
		return -1
	}
	return cmp.Or(
		cmp.Compare(a.Group, b.Group), cmp.Compare(a.Resource, b.Resource),
		cmp.Compare(a.Subresource, b.Subresource), cmp.Compare(a.Namespace, b.Namespace),
		cmp.Compare(a.Name, b.Name), cmp.Compare(a.URL, b.URL),
		cmp.Compare(verbRank(a.Verb), verbRank(b.Verb)), cmp.Compare(a.Verb, b.Verb),
		cmp.Compare(a.Version, b.Version))
}

// Less is Compare(p, q) < 0.
func (p Permission) Less(q Permission) bool { return Compare(p, q) < 0 }

// verbRank orders verbs as people read them: get, list, watch, create,
// update, patch, delete, deletecollection, then RBAC's special verbs; the
// URL verbs get, post, put, patch, delete fall in the same order.
func verbRank(verb string) int {
	if i := slices.Index(verbOrder, verb); i >= 0 {
		return i
	}
	return len(verbOrder)
}

// verbOrder is access.Verbs with the URL verbs post and put after their
// resource counterparts create and update, then RBAC's special verbs.
var verbOrder = func() []string {
	var out []string
	for _, v := range access.Verbs {
		out = append(out, v)
		switch v {
		case "create":
			out = append(out, "post")
		case "update":
			out = append(out, "put")
		}
	}
	return slices.Concat(out, matrix.SpecialVerbs)
}()

// SortPermissions sorts ps (Compare) and drops the ones whose Key repeats,
// keeping the first.
func SortPermissions(ps []Permission) []Permission {
	slices.SortStableFunc(ps, Compare)
	return slices.CompactFunc(ps, func(a, b Permission) bool { return a.Key() == b.Key() })
}

// Request is the permission as a request of the access package, as the
// review asks it: no probe name filled in (see matrix.Check.Request for the
// one the wire gets).
func (p Permission) Request() access.Request {
	if p.IsURL() {
		return access.Request{Verb: p.Verb, URL: p.URL}
	}
	return access.Request{Verb: p.Verb, Resource: p.GVR(), Subresource: p.Subresource, Name: p.Name, Namespace: p.Namespace}
}

// GVR is the permission's group, version and resource.
func (p Permission) GVR() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: p.Group, Version: p.Version, Resource: p.Resource}
}
