package effective

import (
	rbacv1 "k8s.io/api/rbac/v1"
)

// Inference (SweepInput.RoleBindings). The RBAC authorizer decides a
// request in namespace ns from the ClusterRoleBindings, which are the same
// for every namespace, and the RoleBindings in ns that apply to the user or
// one of its groups; roles never name a namespace. So where no RoleBinding
// applies to a subject, its answer for a candidate is its answer for the
// same candidate (same verb, resource and name) in ElsewhereNamespace,
// which holds no RoleBinding at all. Only the candidate's own namespace
// counts: a get of namespace ns is authorized in ns but has no namespace
// of its own, so it is always asked. This holds for RBAC alone; the Node
// authorizer only answers for nodes' users, and a cluster with a webhook
// authorizer should sweep without RoleBindings (everything asked).

// BoundNamespaces are the namespaces where some RoleBinding applies to the
// user or one of its groups, as RBAC matches binding subjects: a User by
// name, a Group by name, a ServiceAccount by its user name (its namespace
// defaulting to the binding's).
func BoundNamespaces(user string, groups []string, bindings []rbacv1.RoleBinding) map[string]bool {
	bound := map[string]bool{}
	for _, rb := range bindings {
		if bound[rb.Namespace] {
			continue
		}
		for _, s := range rb.Subjects {
			if appliesTo(s, rb.Namespace, user, groups) {
				bound[rb.Namespace] = true
				break
			}
		}
	}
	return bound
}

func appliesTo(s rbacv1.Subject, bindingNamespace, user string, groups []string) bool {
	switch s.Kind {
	case rbacv1.UserKind:
		return s.Name == user
	case rbacv1.GroupKind:
		for _, g := range groups {
			if g == s.Name {
				return true
			}
		}
		return false
	case rbacv1.ServiceAccountKind:
		ns := s.Namespace
		if ns == "" {
			ns = bindingNamespace
		}
		return saUserPrefix+ns+":"+s.Name == user
	}
	return false
}

// elsewhereIndex maps each candidate in a namespace other than
// ElsewhereNamespace to the index of the same candidate there, or -1.
func elsewhereIndex(candidates []Permission) []int {
	index := make(map[string]int, len(candidates))
	for i, p := range candidates {
		if p.Namespace == ElsewhereNamespace {
			index[p.Key()] = i
		}
	}
	out := make([]int, len(candidates))
	for i, p := range candidates {
		out[i] = -1
		if p.Namespace == "" || p.Namespace == ElsewhereNamespace {
			continue
		}
		q := p
		q.Namespace = ElsewhereNamespace
		if j, ok := index[q.Key()]; ok {
			out[i] = j
		}
	}
	return out
}
