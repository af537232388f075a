package rbacpath

import (
	"rbac-e2e/e2e/framework/effective"
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
// matrix, the same one the sweep's reviews name (effective.UserInfo): a
// ServiceAccount's token authenticates in system:serviceaccounts,
// system:serviceaccounts:<ns> and system:authenticated; an impersonated
// user gets its groups plus what the impersonation filter adds.
func IdentityOf(s matrix.Subject) Identity {
	name, groups := effective.UserInfo(s)
	return Identity{Name: name, Groups: groups}
}
