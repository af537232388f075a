package effective

import (
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/validation/path"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework/matrix"
)

// Made-up names no cluster serves: a subject allowed anything on them
// holds a "*" (in resources, apiGroups or nonResourceURLs).
const (
	MadeUpResource = "rbac-e2e-made-up"
	MadeUpGroup    = "made-up.rbac-e2e.io"
	MadeUpURL      = "/rbac-e2e-made-up"
	// MadeUpExtra is the extra key asked for impersonate on userextras/<key>.
	MadeUpExtra = "rbac-e2e-made-up"
)

// ElsewhereNamespace stands for every namespace the sweep does not name:
// no RoleBinding is in it, so what a subject may do there is exactly what
// ClusterRoleBindings grant it, the same as in any other namespace that
// holds no RoleBinding (see Scopes).
const ElsewhereNamespace = "rbac-e2e-elsewhere"

// CommonURLs are non-resource URLs asked of every subject, besides the ones
// the cluster's roles name.
var CommonURLs = []string{"/metrics", "/healthz", "/livez", "/readyz", "/version", "/api", "/apis", "/openapi/v2", "/logs", "/debug/pprof"}

// EnumerateInput is what Enumerate builds candidates from; Discover fills it
// from a cluster.
type EnumerateInput struct {
	Groups       []*metav1.APIGroup        // discovery.ServerGroupsAndResources
	Resources    []*metav1.APIResourceList // the same call: subresources included
	Roles        []rbacv1.Role
	ClusterRoles []rbacv1.ClusterRole
	RoleBindings []rbacv1.RoleBinding // their namespaces are scopes
	Namespaces   []string             // more scopes: the manifests' namespaces
}

// Scopes are the namespaces the sweep asks in: every namespace that holds
// a RoleBinding, the manifests' namespaces, and ElsewhereNamespace. In any
// other namespace the answer equals ElsewhereNamespace's: RBAC grants in a
// namespace through the RoleBindings in it and through ClusterRoleBindings,
// which grant in every namespace alike, so a namespace with no RoleBinding
// allows exactly what the ClusterRoleBindings allow. (Cluster scope itself
// is asked too: that is where cluster-scoped resources live and where a
// namespaced list or watch spans all namespaces.)
func (in EnumerateInput) Scopes() []string {
	ns := []string{ElsewhereNamespace}
	for _, rb := range in.RoleBindings {
		ns = append(ns, rb.Namespace)
	}
	ns = append(ns, in.Namespaces...)
	ns = slices.DeleteFunc(ns, func(s string) bool { return s == "" })
	slices.Sort(ns)
	return slices.Compact(ns)
}

// acrossNamespaces are the verbs of a namespaced resource that a request
// can make at cluster scope, in all namespaces at once.
var acrossNamespaces = []string{"list", "watch"}

// namedVerbs are the verbs the authorizer sees an object name with (a list
// or watch with a metadata.name field selector included); create of a
// resource and deletecollection never carry one.
var namedVerbs = []string{"get", "list", "watch", "update", "patch", "delete"}

// namedSubresourceVerbs are the same for a subresource, which always
// belongs to one named object.
var namedSubresourceVerbs = []string{"get", "create", "update", "patch", "delete"}

// Enumerate lists the candidate permissions of a sweep, sorted and without
// duplicates:
//   - every served resource and subresource × the verbs discovery lists for
//     it (those an access-matrix row may name), cluster-scoped ones at
//     cluster scope, namespaced ones in every scope namespace and, for list
//     and watch, at cluster scope (all namespaces);
//   - the special verbs (see specials) on their resources;
//   - every resourceNames entry of the cluster's roles with the verbs an
//     object name goes with, in the role's namespace (a Role) or every scope
//     (a ClusterRole, which a RoleBinding may bind anywhere); and each scope
//     namespace as the name of namespaces (a RoleBinding may grant get,
//     patch or update of its own namespace);
//   - every nonResourceURLs entry of the cluster's ClusterRoles and
//     CommonURLs × matrix.URLVerbs;
//   - MadeUpResource in the core group and in MadeUpGroup, and MadeUpURL.
func Enumerate(in EnumerateInput) []Permission {
	api := NewAPI(in.Groups, in.Resources)
	scopes := in.Scopes()
	var out []Permission
	// at asks p with each verb at cluster scope (when cluster) and in each
	// of namespaces.
	at := func(p Permission, verbs []string, cluster bool, namespaces []string) {
		for _, v := range verbs {
			p.Verb = v
			if cluster {
				p.Namespace = ""
				out = append(out, p)
			}
			for _, ns := range namespaces {
				p.Namespace = ns
				out = append(out, p)
			}
		}
	}
	// resource asks p with the verbs of a resource: a cluster-scoped one at
	// cluster scope; a namespaced one in namespaces and, for list and watch
	// of the resource itself, across all namespaces (unless a Role asks).
	resource := func(p Permission, verbs []string, namespaced bool, namespaces []string, across bool) {
		if !namespaced {
			at(p, verbs, true, nil)
			return
		}
		for _, v := range verbs {
			at(p, []string{v}, across && p.Subresource == "" && slices.Contains(acrossNamespaces, v), namespaces)
		}
	}
	// specialAt asks a special verb where the API server checks it (not at
	// cluster scope for a Role's names).
	specialAt := func(p Permission, s special, namespaces []string, cluster bool) {
		if s.Scope&namespaceScope == 0 {
			namespaces = nil
		}
		at(p, []string{s.Verb}, cluster && s.Scope&clusterScope != 0, namespaces)
	}

	for _, r := range api.Sorted() {
		p := Permission{Group: r.Group, Version: r.Version, Resource: r.Resource, Subresource: r.Subresource}
		resource(p, rowVerbs(r.Verbs, r.Subresource != ""), r.Namespaced, scopes, true)
	}

	extras := []string{MadeUpExtra}
	for _, cr := range in.ClusterRoles {
		extras = append(extras, userExtraKeys(cr.Rules)...)
	}
	for _, s := range specials {
		version := s.Version
		if served, ok := api.Lookup(s.Group, s.Resource, ""); ok {
			version = served.Version
		} else if s.IfServed {
			continue
		}
		p := Permission{Group: s.Group, Version: version, Resource: s.Resource}
		if s.Resource == userExtras {
			for _, key := range extras {
				p.Subresource = key
				specialAt(p, s, scopes, true)
			}
			continue
		}
		specialAt(p, s, scopes, true)
	}

	// named asks the rules' resourceNames: a Role's in its own namespace
	// only, a ClusterRole's wherever a binding may put it.
	named := func(rules []rbacv1.PolicyRule, role *rbacv1.Role) {
		namespaces := scopes
		if role != nil {
			namespaces = []string{role.Namespace}
		}
		for _, rule := range rules {
			for _, t := range namedTargets(api, rule) {
				for _, name := range rule.ResourceNames {
					if len(path.IsValidPathSegmentName(name)) > 0 {
						continue // a matrix row cannot name it (signer names hold a "/")
					}
					p := t.perm
					p.Name = name
					if role == nil || t.namespaced {
						resource(p, t.verbs, t.namespaced, namespaces, role == nil)
					}
					for _, s := range t.specials {
						if role == nil || s.Scope&namespaceScope != 0 {
							specialAt(p, s, namespaces, role == nil)
						}
					}
				}
			}
		}
	}
	for i := range in.Roles {
		named(in.Roles[i].Rules, &in.Roles[i])
	}
	for _, cr := range in.ClusterRoles {
		named(cr.Rules, nil)
	}
	// A namespace is authorized in itself: get, update or patch of
	// namespace ns (and its status and finalize) is asked in ns, so a
	// RoleBinding there may grant it.
	for _, r := range api.Sorted() {
		if r.Group != "" || r.Resource != "namespaces" {
			continue
		}
		for _, ns := range scopes {
			p := Permission{Version: r.Version, Resource: "namespaces", Subresource: r.Subresource, Name: ns}
			at(p, intersect(r.Verbs, nameVerbs(r.Subresource != "")), true, nil)
		}
	}

	for _, group := range []string{"", MadeUpGroup} {
		p := Permission{Group: group, Version: "v1", Resource: MadeUpResource}
		at(p, matrix.ResourceVerbs, true, scopes)
	}

	urls := append(slices.Clone(CommonURLs), MadeUpURL)
	for _, cr := range in.ClusterRoles {
		for _, rule := range cr.Rules {
			urls = append(urls, rule.NonResourceURLs...)
		}
	}
	for _, u := range urls {
		if matrix.CheckURL(u) != nil {
			continue // "*" and the like: MadeUpURL asks for them
		}
		at(Permission{URL: u}, matrix.URLVerbs, true, nil)
	}
	return SortPermissions(out)
}

// rowVerbs are the verbs of a discovery answer that a matrix row may name
// for the resource (no collection verb on a subresource).
func rowVerbs(verbs []string, subresource bool) []string {
	var out []string
	for _, v := range verbs {
		if !slices.Contains(matrix.ResourceVerbs, v) || (subresource && slices.Contains([]string{"list", "watch", "deletecollection"}, v)) {
			continue
		}
		out = append(out, v)
	}
	return out
}

func nameVerbs(subresource bool) []string {
	if subresource {
		return namedSubresourceVerbs
	}
	return namedVerbs
}

func intersect(verbs, allowed []string) []string {
	var out []string
	for _, v := range verbs {
		if slices.Contains(allowed, v) {
			out = append(out, v)
		}
	}
	return out
}

// namedTarget is a resource a rule's resourceNames apply to, with the
// verbs a name goes with there.
type namedTarget struct {
	perm       Permission
	verbs      []string // of the served resource
	namespaced bool
	specials   []special
}

// namedTargets are the resources of a rule with resourceNames: served ones
// with their discovery verbs that carry a name, and resources with special
// verbs. A "*" group stands for every group serving the resource; a "*"
// resource is skipped, there is nothing to enumerate by name.
func namedTargets(api API, rule rbacv1.PolicyRule) []namedTarget {
	if len(rule.ResourceNames) == 0 {
		return nil
	}
	var out []namedTarget
	for _, res := range rule.Resources {
		resource, sub, _ := strings.Cut(res, "/")
		if resource == "*" || sub == "*" {
			continue
		}
		var groups []string
		for _, g := range rule.APIGroups {
			if g != "*" {
				groups = append(groups, g)
				continue
			}
			for _, r := range api {
				if r.Resource == resource && r.Subresource == sub {
					groups = append(groups, r.Group)
				}
			}
			for _, s := range specials {
				if s.Resource == resource && sub == "" {
					groups = append(groups, s.Group)
				}
			}
		}
		slices.Sort(groups)
		for _, g := range slices.Compact(groups) {
			t := namedTarget{perm: Permission{Group: g, Resource: resource, Subresource: sub}}
			if r, ok := api.Lookup(g, resource, sub); ok {
				t.perm.Version, t.namespaced = r.Version, r.Namespaced
				t.verbs = intersect(r.Verbs, nameVerbs(sub != ""))
			}
			if sub == "" {
				_, served := api.Lookup(g, resource, "")
				for _, s := range specialsOn(g, resource) {
					if served || !s.IfServed {
						if !served {
							t.perm.Version = s.Version
						}
						t.specials = append(t.specials, s)
					}
				}
			}
			if len(t.verbs) > 0 || len(t.specials) > 0 {
				out = append(out, t)
			}
		}
	}
	return out
}

// userExtraKeys are the extra keys rules name as userextras/<key>.
func userExtraKeys(rules []rbacv1.PolicyRule) []string {
	var out []string
	for _, rule := range rules {
		if !slices.Contains(rule.APIGroups, "authentication.k8s.io") && !slices.Contains(rule.APIGroups, "*") {
			continue
		}
		for _, res := range rule.Resources {
			if key, ok := strings.CutPrefix(res, userExtras+"/"); ok && key != "*" && key != "" {
				out = append(out, key)
			}
		}
	}
	return out
}
