package audit

import (
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"

	"rbac-e2e/e2e/framework/effective"
	"rbac-e2e/e2e/framework/matrix"
	"rbac-e2e/e2e/framework/rbacpath"
)

const elsewhere = effective.ElsewhereNamespace

// AuditInput is what an audit looks at.
type AuditInput struct {
	Snapshot effective.Snapshot // the subjects' effective access
	RBAC     rbacpath.Objects   // the cluster's RBAC objects: granting paths and the binding rules
	Allow    *AllowList         // nil: nothing is allowed
}

// Audit lists every dangerous grant: each rule over each subject's
// effective access (so aggregation and wildcards count), and the bindings
// to system:anonymous, system:unauthenticated, system:authenticated and
// system:serviceaccounts among the RBAC objects. Findings are sorted; one
// an allow-list entry accepts is StatusAllowed, any other StatusNew (see
// WithBase and New for the base revision).
func Audit(in AuditInput) []Finding {
	r := rbacpath.New(in.RBAC)
	var out []Finding
	for _, a := range in.Snapshot {
		out = append(out, subjectFindings(r, a)...)
	}
	out = append(out, bindingFindings(in.RBAC)...)
	in.Allow.apply(out)
	Sort(out)
	return out
}

// WithBase marks the findings of head that were present at the base
// (same Key) and not allowed as StatusAtBase, and sorts them.
func WithBase(head, base []Finding) []Finding {
	at := map[string]bool{}
	for _, f := range base {
		at[f.Key()] = true
	}
	out := slices.Clone(head)
	for i := range out {
		if out[i].Status != StatusAllowed && at[out[i].Key()] {
			out[i].Status = StatusAtBase
		}
	}
	Sort(out)
	return out
}

// New are the findings of head that fail the gate: neither allowed nor
// present at the base.
func New(head, base []Finding) []Finding {
	var out []Finding
	for _, f := range WithBase(head, base) {
		if f.Status == StatusNew {
			out = append(out, f)
		}
	}
	return out
}

func subjectFindings(r *rbacpath.Resolver, a effective.Access) []Finding {
	id := rbacpath.IdentityOf(a.Subject)
	var out []Finding
	for _, rule := range Rules {
		if rule.match == nil {
			continue
		}
		var hits []effective.Permission
		for _, p := range a.Allowed {
			if rule.match(p) {
				hits = append(hits, p)
			}
		}
		if rule.ID == ClusterAdminWildcard {
			hits = everyVerb(hits)
		}
		for _, p := range broadest(hits, rule.ID == ClusterAdminWildcard) {
			out = append(out, finding(rule, a.Subject, p, paths(r, id, p)))
		}
	}
	if f, ok := csrFinding(r, id, a); ok {
		out = append(out, f)
	}
	return out
}

func finding(rule Rule, s matrix.Subject, p effective.Permission, paths []string) Finding {
	return Finding{Rule: rule.ID, Title: rule.Title, Reason: rule.Reason, Subject: subjectName(s), SubjectKey: SubjectKey(s),
		Permission: permissionText(p), Scope: scopeOf(p.Namespace), Namespace: p.Namespace, Paths: paths, perm: p}
}

// paths are the granting paths of p as text; for "*" (every verb) the
// paths of each verb.
func paths(r *rbacpath.Resolver, id rbacpath.Identity, p effective.Permission) []string {
	verbs := []string{p.Verb}
	if p.Verb == "*" {
		verbs = verbsOf(p)
	}
	out := []string{}
	for _, v := range verbs {
		q := p
		q.Verb = v
		for _, path := range r.Paths(id, q) {
			if s := path.String(); !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

func verbsOf(p effective.Permission) []string {
	if p.IsURL() {
		return matrix.URLVerbs
	}
	return matrix.ResourceVerbs
}

// isWildcardProbe is a made-up resource, group or URL of the sweep: no
// cluster serves them, so only a "*" grants them.
func isWildcardProbe(p effective.Permission) bool {
	if p.IsURL() {
		return p.URL == effective.MadeUpURL
	}
	return p.Resource == effective.MadeUpResource && (p.Group == "" || p.Group == effective.MadeUpGroup) && p.Subresource == ""
}

// everyVerb merges the permissions that differ only by verb into one with
// verb "*" when every verb the sweep asks is allowed.
func everyVerb(ps []effective.Permission) []effective.Permission {
	type target struct{ group, resource, name, namespace, url string }
	verbsAt := map[target][]string{}
	var order []target
	for _, p := range ps {
		t := target{p.Group, p.Resource, p.Name, p.Namespace, p.URL}
		if _, ok := verbsAt[t]; !ok {
			order = append(order, t)
		}
		verbsAt[t] = append(verbsAt[t], p.Verb)
	}
	var out []effective.Permission
	for _, t := range order {
		p := effective.Permission{Group: t.group, Version: "v1", Resource: t.resource, Name: t.name, Namespace: t.namespace, URL: t.url}
		all := !slices.ContainsFunc(verbsOf(p), func(v string) bool { return !slices.Contains(verbsAt[t], v) })
		if all {
			p.Verb = "*"
			out = append(out, p)
			continue
		}
		for _, v := range verbsAt[t] {
			p.Verb = v
			out = append(out, p)
		}
	}
	return out
}

// broadest drops the permissions another one of ps covers, so a
// ClusterRoleBinding's grant is one finding, not one per namespace: the
// same verb on the same resource (or URL) covers one object of it; cluster
// scope covers every namespace (only a ClusterRoleBinding grants there, and
// it grants everywhere); the sweep's stand-in for namespaces without
// RoleBindings covers every namespace too. wildcard: the made-up group
// covers the core group.
func broadest(ps []effective.Permission, wildcard bool) []effective.Permission {
	covers := func(q, p effective.Permission) bool {
		sameGroup := q.Group == p.Group || (wildcard && q.Group == effective.MadeUpGroup && p.Group == "")
		if q.Key() == p.Key() || q.Verb != p.Verb || !sameGroup || q.Resource != p.Resource || q.Subresource != p.Subresource || q.URL != p.URL {
			return false
		}
		if q.Name != "" && q.Name != p.Name {
			return false
		}
		switch q.Namespace {
		case "":
			return true
		case elsewhere:
			return p.Namespace != ""
		}
		return q.Namespace == p.Namespace
	}
	var out []effective.Permission
	for _, p := range ps {
		if !slices.ContainsFunc(ps, func(q effective.Permission) bool { return covers(q, p) }) {
			out = append(out, p)
		}
	}
	return out
}

// csrFinding is the CSR risk: create a CertificateSigningRequest, update
// its approval, and approve for a signer that issues API client
// certificates (the approval is refused without that). All three, at
// cluster scope.
func csrFinding(r *rbacpath.Resolver, id rbacpath.Identity, a effective.Access) (Finding, bool) {
	const certs = "certificates.k8s.io"
	find := func(f func(effective.Permission) bool) (effective.Permission, bool) {
		i := slices.IndexFunc(a.Allowed, func(p effective.Permission) bool { return p.Namespace == "" && !p.IsURL() && f(p) })
		if i < 0 {
			return effective.Permission{}, false
		}
		return a.Allowed[i], true
	}
	create, ok1 := find(on(verbs("create"), resource(certs, "certificatesigningrequests")))
	approval, ok2 := find(on(verbs("update"), subresource(certs, "certificatesigningrequests", "approval")))
	signer, ok3 := find(func(p effective.Permission) bool {
		return p.Verb == "approve" && p.Group == certs && p.Resource == "signers" && csrSigner(p.Name)
	})
	if !ok3 {
		signer, ok3 = signerByName(r, id)
	}
	if !ok1 || !ok2 || !ok3 {
		return Finding{}, false
	}
	rule, _ := RuleByID(CSRApprove)
	f := finding(rule, a.Subject, approval, paths(r, id, approval))
	for _, p := range []effective.Permission{create, signer} {
		f.Also = append(f.Also, Grant{Permission: permissionText(p), Paths: paths(r, id, p)})
	}
	return f, true
}

// signerByName finds approve on a client signer granted by name
// (resourceNames), which a sweep cannot ask (a signer's name holds a "/",
// which no access-matrix row can name): RBAC's own rules decide it on the
// RBAC objects.
func signerByName(r *rbacpath.Resolver, id rbacpath.Identity) (effective.Permission, bool) {
	for _, name := range clientSigners {
		p := effective.Permission{Verb: "approve", Group: "certificates.k8s.io", Version: "v1", Resource: "signers", Name: name}
		if len(r.Paths(id, p)) > 0 {
			return p, true
		}
	}
	return effective.Permission{}, false
}

// bootstrapLabel marks the API server's own default RBAC objects
// (system:basic-user, system:discovery and system:public-info-viewer bind
// system:authenticated and system:unauthenticated on every cluster); they
// are not a team's grants.
const bootstrapLabel = "kubernetes.io/bootstrapping"

// bindingFindings are the bindings to the groups every client (or every
// unauthenticated one, or every ServiceAccount) is in.
func bindingFindings(objs rbacpath.Objects) []Finding {
	var out []Finding
	add := func(binding rbacpath.Ref, labels map[string]string, ref rbacv1.RoleRef, subjects []rbacv1.Subject) {
		if labels[bootstrapLabel] == "rbac-defaults" {
			return
		}
		for _, s := range subjects {
			var id, name, key string
			switch {
			case s.Kind == rbacv1.UserKind && s.Name == rbacpath.Anonymous:
				id, name, key = UnauthenticatedBinding, "User "+s.Name, userKey(s.Name, nil)
			case s.Kind == rbacv1.GroupKind && s.Name == rbacpath.AllUnauthenticated:
				id, name, key = UnauthenticatedBinding, "Group "+s.Name, groupKey(s.Name)
			case s.Kind == rbacv1.GroupKind && (s.Name == rbacpath.AllAuthenticated || s.Name == rbacpath.ServiceAccounts):
				id, name, key = AuthenticatedBinding, "Group "+s.Name, groupKey(s.Name)
			default:
				continue
			}
			rule, _ := RuleByID(id)
			role := rbacpath.Ref{Kind: ref.Kind, Name: ref.Name}
			if ref.Kind == "Role" {
				role.Namespace = binding.Namespace
			}
			out = append(out, Finding{Rule: id, Title: rule.Title, Reason: rule.Reason, Subject: name, SubjectKey: key,
				Scope: scopeOf(binding.Namespace), Namespace: binding.Namespace, Binding: binding.String(), Paths: []string{binding.String() + " → " + role.String()}})
		}
	}
	for _, b := range objs.ClusterRoleBindings {
		add(rbacpath.Ref{Kind: "ClusterRoleBinding", Name: b.Name}, b.Labels, b.RoleRef, b.Subjects)
	}
	for _, b := range objs.RoleBindings {
		add(rbacpath.Ref{Kind: "RoleBinding", Namespace: b.Namespace, Name: b.Name}, b.Labels, b.RoleRef, b.Subjects)
	}
	return out
}
