package audit

import (
	"cmp"
	"slices"
	"strings"

	"rbac-e2e/e2e/framework/effective"
	"rbac-e2e/e2e/framework/matrix"
)

// Status is what the gate makes of a finding.
type Status string

const (
	// StatusNew fails the gate: neither allow-listed nor present at the base.
	StatusNew Status = "new"
	// StatusAtBase was already granted at the base revision.
	StatusAtBase Status = "at-base"
	// StatusAllowed is accepted by an allow-list entry.
	StatusAllowed Status = "allowed"
)

func statusRank(s Status) int {
	return slices.Index([]Status{StatusNew, StatusAtBase, StatusAllowed}, s)
}

// Grant is a permission with the paths that grant it.
type Grant struct {
	Permission string   `json:"permission"` // "update certificatesigningrequests.certificates.k8s.io/approval"
	Paths      []string `json:"paths"`
}

// Finding is one dangerous grant of one subject.
type Finding struct {
	Rule       string `json:"rule"` // a rule ID, such as secrets-read
	Title      string `json:"title"`
	Reason     string `json:"reason"`
	Subject    string `json:"subject"`    // "ServiceAccount default/sample", "Group system:authenticated"
	SubjectKey string `json:"subjectKey"` // what allow-list entries and the base are matched by
	// Permission is the grant without its scope, in the form allow-list
	// entries name it: "get secrets", "create deployments.apps",
	// "get nodes/proxy", "* rbac-e2e-made-up.made-up.rbac-e2e.io" (every
	// verb asked), "get /metrics"; empty for a binding finding.
	Permission string `json:"permission,omitempty"`
	// Scope is "cluster", "every namespace" (a ClusterRoleBinding's grant,
	// seen in a namespace without RoleBindings) or "namespace <name>".
	Scope     string   `json:"scope"`
	Namespace string   `json:"namespace"`         // the raw scope: "" cluster scope, effective.ElsewhereNamespace, or a namespace
	Paths     []string `json:"paths"`             // binding → role → rule; for a binding finding the binding itself
	Binding   string   `json:"binding,omitempty"` // a binding finding's binding, "ClusterRoleBinding x"
	Also      []Grant  `json:"also,omitempty"`    // the other permissions the rule needs (csr-approve)

	Status      Status `json:"status"`
	AllowedBy   string `json:"allowedBy,omitempty"` // the allow-list entry, file:line
	AllowReason string `json:"allowReason,omitempty"`

	perm effective.Permission // for sorting; zero for a binding finding or one read from JSON
}

// Key identifies a finding across revisions: rule, subject, permission and
// scope (not its paths: a grant that moved to another binding is the same
// grant); for a binding finding, the binding.
func (f Finding) Key() string {
	return strings.Join([]string{f.Rule, f.SubjectKey, f.Permission, f.Scope, f.Binding}, "|")
}

// Text is one line: "NEW secrets-read: ServiceAccount default/sample may
// get secrets (every namespace) via ClusterRoleBinding …".
func (f Finding) Text() string {
	s := strings.ToUpper(string(f.Status)) + " " + f.Rule + ": " + f.Subject
	if f.Permission != "" {
		s += " may " + f.Permission + " (" + f.Scope + ")"
	} else {
		s += " (" + f.Scope + ")"
	}
	if len(f.Paths) > 0 {
		s += " via " + strings.Join(f.Paths, "; ")
	}
	return s
}

// Sort orders findings as reports list them: new first, then at the base,
// then allowed; within each by subject, rule, scope (cluster first) and
// permission.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(statusRank(a.Status), statusRank(b.Status)),
			cmp.Compare(a.Subject, b.Subject),
			cmp.Compare(ruleRank(a.Rule), ruleRank(b.Rule)),
			cmp.Compare(scopeRank(a.Namespace), scopeRank(b.Namespace)),
			cmp.Compare(a.Namespace, b.Namespace),
			effective.Compare(a.perm, b.perm),
			cmp.Compare(a.Permission, b.Permission),
		)
	})
}

func scopeRank(ns string) int {
	switch ns {
	case "":
		return 0
	case effective.ElsewhereNamespace:
		return 1
	}
	return 2
}

// scopeOf is the Scope of a raw namespace.
func scopeOf(ns string) string {
	switch ns {
	case "":
		return "cluster"
	case effective.ElsewhereNamespace:
		return "every namespace"
	}
	return "namespace " + ns
}

// permissionText is a permission without its scope (effective's String
// names the scope too).
func permissionText(p effective.Permission) string {
	p.Namespace = ""
	return strings.TrimSuffix(p.String(), " at cluster scope")
}

// SubjectKey is Finding.SubjectKey of a matrix subject: like its Key, with
// its groups in sorted order.
// The sweep's stand-in for a group (effective.GroupMember) is the group.
func SubjectKey(s matrix.Subject) string {
	if s.IsServiceAccount() {
		return "serviceaccount:" + s.ServiceAccount
	}
	if g, ok := memberOf(s); ok {
		return groupKey(g)
	}
	return userKey(s.User, s.Groups)
}

// memberOf tells the group a subject stands for, when it is the sweep's
// made-up member of it.
func memberOf(s matrix.Subject) (string, bool) {
	if len(s.Groups) == 1 && s.User == effective.GroupMemberPrefix+s.Groups[0] {
		return s.Groups[0], true
	}
	return "", false
}

func userKey(user string, groups []string) string {
	k := "user:" + user
	if len(groups) > 0 {
		g := slices.Clone(groups)
		slices.Sort(g)
		k += " groups:" + strings.Join(g, ",")
	}
	return k
}

func groupKey(group string) string { return "group:" + group }

// subjectName is how findings name a matrix subject.
func subjectName(s matrix.Subject) string {
	if s.IsServiceAccount() {
		return "ServiceAccount " + s.ServiceAccount
	}
	if g, ok := memberOf(s); ok {
		return "Group " + g
	}
	if len(s.Groups) > 0 {
		return "User " + s.User + " (groups " + strings.Join(s.Groups, ", ") + ")"
	}
	return "User " + s.User
}
