package rbacpath

import (
	"cmp"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"rbac-e2e/e2e/framework/effective"
)

// sourcedRule is a rule a role grants, with where it is written.
type sourcedRule struct {
	rule  rbacv1.PolicyRule
	index int
	via   []Hop
}

// Resolver answers "what grants this?" over one set of RBAC objects.
type Resolver struct {
	objs         Objects
	roles        map[string]*rbacv1.Role // namespace/name
	clusterRoles map[string][]sourcedRule
}

// New indexes the objects and resolves every ClusterRole's aggregation once.
func New(objs Objects) *Resolver {
	r := &Resolver{objs: objs, roles: map[string]*rbacv1.Role{}, clusterRoles: map[string][]sourcedRule{}}
	for i := range objs.Roles {
		role := &objs.Roles[i]
		r.roles[role.Namespace+"/"+role.Name] = role
	}
	byName := map[string]*rbacv1.ClusterRole{}
	for i := range objs.ClusterRoles {
		byName[objs.ClusterRoles[i].Name] = &objs.ClusterRoles[i]
	}
	for name := range byName {
		r.clusterRoles[name] = clusterRoleRules(byName, name, nil)
	}
	return r
}

// clusterRoleRules are the rules a ClusterRole grants. One with an
// aggregationRule holds whatever the aggregation controller copied from the
// ClusterRoles its selectors match (itself excepted), recursively, so each
// such rule is attributed to the source role it is written in. A rule of
// the aggregate found in no source (the controller has not caught up yet,
// or someone wrote it there) is attributed to the aggregate itself; a rule
// of a source not yet copied counts too, since the controller copies it
// within moments. stack guards against aggregation cycles.
func clusterRoleRules(byName map[string]*rbacv1.ClusterRole, name string, stack []string) []sourcedRule {
	cr := byName[name]
	if cr == nil || slices.Contains(stack, name) {
		return nil
	}
	if cr.AggregationRule == nil {
		out := make([]sourcedRule, len(cr.Rules))
		for i, rule := range cr.Rules {
			out[i] = sourcedRule{rule: rule, index: i}
		}
		return out
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	slices.Sort(names) // the controller's order
	stack = append(stack, name)
	var sourced []sourcedRule
	for _, s := range cr.AggregationRule.ClusterRoleSelectors {
		sel, err := metav1.LabelSelectorAsSelector(&s)
		if err != nil {
			continue // the controller cannot use it either
		}
		for _, n := range names {
			if n == name || !sel.Matches(labels.Set(byName[n].Labels)) {
				continue
			}
			for _, sr := range clusterRoleRules(byName, n, stack) {
				via := append([]Hop{{From: n, Selector: sel.String()}}, sr.via...)
				sourced = append(sourced, sourcedRule{rule: sr.rule, index: sr.index, via: via})
			}
		}
	}
	var own []sourcedRule
	for i, rule := range cr.Rules {
		if !slices.ContainsFunc(sourced, func(sr sourcedRule) bool { return equality.Semantic.DeepEqual(sr.rule, rule) }) {
			own = append(own, sourcedRule{rule: rule, index: i})
		}
	}
	return append(own, sourced...)
}

// Paths is every path that grants p to id, sorted: system:masters first,
// then ClusterRoleBindings, then RoleBindings of p's namespace, each by
// name. A ClusterRoleBinding grants at cluster scope and in every
// namespace; a RoleBinding only in its own namespace (to a Role of that
// namespace or to a ClusterRole), and never a non-resource URL. Empty when
// RBAC does not grant p.
func (r *Resolver) Paths(id Identity, p effective.Permission) []Path {
	var out []Path
	if slices.Contains(id.Groups, Masters) {
		out = append(out, Path{Superuser: true})
	}
	for _, b := range r.objs.ClusterRoleBindings {
		i, ok := appliesTo(id, b.Subjects, "")
		if !ok {
			continue
		}
		out = r.matching(out, Ref{Kind: "ClusterRoleBinding", Name: b.Name}, b.Subjects[i], b.RoleRef, "", p)
	}
	// The authorizer's namespace: a request on one Namespace object is
	// authorized inside that namespace, so a RoleBinding there can grant it.
	ns := ""
	if p.Resource != "" {
		ns = p.Request().AuthzNamespace()
	}
	if ns != "" {
		for _, b := range r.objs.RoleBindings {
			if b.Namespace != ns {
				continue
			}
			i, ok := appliesTo(id, b.Subjects, b.Namespace)
			if !ok {
				continue
			}
			out = r.matching(out, Ref{Kind: "RoleBinding", Namespace: b.Namespace, Name: b.Name}, b.Subjects[i], b.RoleRef, b.Namespace, p)
		}
	}
	slices.SortStableFunc(out, comparePaths)
	return out
}

// Paths is New(objs).Paths(id, p), for a single question.
func Paths(objs Objects, id Identity, p effective.Permission) []Path {
	return New(objs).Paths(id, p)
}

func (r *Resolver) matching(out []Path, binding Ref, subject rbacv1.Subject, ref rbacv1.RoleRef, namespace string, p effective.Permission) []Path {
	var role Ref
	var rules []sourcedRule
	switch ref.Kind {
	case "ClusterRole":
		role = Ref{Kind: "ClusterRole", Name: ref.Name}
		rules = r.clusterRoles[ref.Name]
	case "Role":
		if namespace == "" {
			return out // a ClusterRoleBinding cannot refer to a Role
		}
		role = Ref{Kind: "Role", Namespace: namespace, Name: ref.Name}
		if rr := r.roles[namespace+"/"+ref.Name]; rr != nil {
			for i, rule := range rr.Rules {
				rules = append(rules, sourcedRule{rule: rule, index: i})
			}
		}
	}
	for _, sr := range rules {
		if RuleAllows(&sr.rule, p) {
			out = append(out, Path{Binding: binding, Subject: subject, Role: role, Via: sr.via, Index: sr.index, Rule: sr.rule})
		}
	}
	return out
}

func comparePaths(a, b Path) int {
	rank := func(p Path) int {
		switch {
		case p.Superuser:
			return 0
		case p.Binding.Kind == "ClusterRoleBinding":
			return 1
		}
		return 2
	}
	return cmp.Or(
		cmp.Compare(rank(a), rank(b)),
		cmp.Compare(a.Binding.Namespace, b.Binding.Namespace),
		cmp.Compare(a.Binding.Name, b.Binding.Name),
		cmp.Compare(viaKey(a), viaKey(b)),
		cmp.Compare(a.Index, b.Index),
	)
}

func viaKey(p Path) string {
	var s []string
	for _, h := range p.Via {
		s = append(s, h.From)
	}
	return strings.Join(s, "\x00")
}

// appliesTo is RBAC's subject match: the index of the first subject of a
// binding that is the identity. A ServiceAccount subject without a
// namespace means the binding's own namespace (none for a
// ClusterRoleBinding, which then matches nobody).
func appliesTo(id Identity, subjects []rbacv1.Subject, namespace string) (int, bool) {
	for i, s := range subjects {
		switch s.Kind {
		case rbacv1.UserKind:
			if id.Name == s.Name {
				return i, true
			}
		case rbacv1.GroupKind:
			if slices.Contains(id.Groups, s.Name) {
				return i, true
			}
		case rbacv1.ServiceAccountKind:
			ns := namespace
			if s.Namespace != "" {
				ns = s.Namespace
			}
			if ns != "" && id.Name == saUserPrefix+ns+":"+s.Name {
				return i, true
			}
		}
	}
	return 0, false
}
