package rbacpath

import (
	"slices"
	"strings"

	"rbac-e2e/e2e/framework/matrix"
)

// Well-known names the API server gives (k8s.io/apiserver user and
// serviceaccount packages).
const (
	AllAuthenticated   = "system:authenticated"
	AllUnauthenticated = "system:unauthenticated"
	Anonymous          = "system:anonymous"
	ServiceAccounts    = "system:serviceaccounts"
	Masters            = "system:masters"
	saUserPrefix       = "system:serviceaccount:"
)

// Identity is who the authorizer sees: a user name and its groups.
type Identity struct {
	Name   string
	Groups []string
}

// IdentityOf is the identity the API server gives a subject of an access
// matrix. A ServiceAccount's token authenticates as
// system:serviceaccount:<ns>:<name> in system:serviceaccounts,
// system:serviceaccounts:<ns> and system:authenticated. An impersonated
// user gets the impersonated groups plus system:authenticated
// (system:unauthenticated for system:anonymous); impersonating a
// ServiceAccount's user name without groups gives that account's groups,
// as the impersonation filter does.
func IdentityOf(s matrix.Subject) Identity {
	if s.IsServiceAccount() {
		ns, _ := s.NamespaceName()
		return Identity{Name: s.Username(), Groups: []string{ServiceAccounts, ServiceAccounts + ":" + ns, AllAuthenticated}}
	}
	groups := slices.Clone(s.Groups)
	if ns, ok := serviceAccountNamespace(s.User); ok && len(groups) == 0 {
		groups = []string{ServiceAccounts, ServiceAccounts + ":" + ns}
	}
	extra := AllAuthenticated
	if s.User == Anonymous {
		extra = AllUnauthenticated
	}
	if !slices.Contains(groups, extra) {
		groups = append(groups, extra)
	}
	return Identity{Name: s.User, Groups: groups}
}

// serviceAccountNamespace reads the namespace out of
// system:serviceaccount:<ns>:<name>.
func serviceAccountNamespace(user string) (string, bool) {
	rest, ok := strings.CutPrefix(user, saUserPrefix)
	if !ok {
		return "", false
	}
	ns, name, ok := strings.Cut(rest, ":")
	if !ok || ns == "" || name == "" || strings.Contains(name, ":") {
		return "", false
	}
	return ns, true
}
