package rbacpath

import (
	"fmt"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Objects are the RBAC objects of a cluster, fetched by the caller.
type Objects struct {
	ClusterRoles        []rbacv1.ClusterRole
	Roles               []rbacv1.Role
	ClusterRoleBindings []rbacv1.ClusterRoleBinding
	RoleBindings        []rbacv1.RoleBinding
}

// Ref names one RBAC object.
type Ref struct {
	Kind      string // ClusterRoleBinding, RoleBinding, ClusterRole or Role
	Namespace string // "" for the cluster-scoped kinds
	Name      string
}

func (r Ref) String() string {
	if r.Namespace != "" {
		return r.Kind + " " + r.Namespace + "/" + r.Name
	}
	return r.Kind + " " + r.Name
}

// Hop is one step of aggregation: the ClusterRole above copies the rules of
// From, whose labels one of its clusterRoleSelectors matches.
type Hop struct {
	From     string // the source ClusterRole
	Selector string // the matching selector, such as rbac.authorization.k8s.io/aggregate-to-view=true
}

// Path is one way a subject is granted a permission.
type Path struct {
	// Superuser is set for a member of system:masters: the API server allows
	// every request of that group before RBAC is asked, and nothing else of
	// the path is filled in.
	Superuser bool

	Binding Ref
	Subject rbacv1.Subject // the binding's subject that matched
	Role    Ref            // the role the binding refers to
	Via     []Hop          // aggregation, from Role down to the role that holds the rule
	Index   int            // the rule's index in the role that holds it
	Rule    rbacv1.PolicyRule
}

// Holder is the role whose rules[Index] is Rule: the binding's role, or the
// last source of its aggregation.
func (p Path) Holder() Ref {
	if len(p.Via) == 0 {
		return p.Role
	}
	return Ref{Kind: "ClusterRole", Name: p.Via[len(p.Via)-1].From}
}

// String reads like
// "ClusterRoleBinding default-view → ClusterRole view ← aggregated from
// ClusterRole extra-secrets (label rbac.authorization.k8s.io/aggregate-to-view=true)
// → rules[0] (apiGroups [""], resources ["secrets"], verbs ["get"])".
// A binding's subject is named when it is a group, since the subject itself
// is not named there.
func (p Path) String() string {
	if p.Superuser {
		return "Group " + Masters + " (superuser: the API server allows its every request before RBAC is asked)"
	}
	var b strings.Builder
	b.WriteString(p.Binding.String())
	if p.Subject.Kind == rbacv1.GroupKind {
		b.WriteString(" (subject Group " + p.Subject.Name + ")")
	}
	b.WriteString(" → " + p.Role.String())
	for _, h := range p.Via {
		fmt.Fprintf(&b, " ← aggregated from ClusterRole %s (label %s)", h.From, h.Selector)
	}
	fmt.Fprintf(&b, " → rules[%d] %s", p.Index, RuleString(p.Rule))
	return b.String()
}

// RuleString is a rule in the order and spelling of a manifest:
// (apiGroups ["*"], resources ["*"], verbs ["*"]).
func RuleString(r rbacv1.PolicyRule) string {
	var parts []string
	add := func(name string, v []string) {
		if len(v) > 0 {
			parts = append(parts, fmt.Sprintf("%s %q", name, v))
		}
	}
	add("apiGroups", r.APIGroups)
	add("resources", r.Resources)
	add("resourceNames", r.ResourceNames)
	add("nonResourceURLs", r.NonResourceURLs)
	add("verbs", r.Verbs)
	return "(" + strings.Join(parts, ", ") + ")"
}
