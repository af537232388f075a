package access

// AuthzNamespace is the namespace the API server's authorizer sees for the
// request. It is the request's namespace, except for a request on one
// Namespace object (/api/v1/namespaces/NAME, and its subresources): the
// server reads the URL's "namespaces/NAME" as namespace NAME, so a
// RoleBinding in NAME can grant access to NAME itself, and RBAC's denial
// says `in the namespace "NAME"`. Access reviews and expected denials must
// use the same namespace to agree with the request.
func (r Request) AuthzNamespace() string {
	if r.Namespace == "" && r.IsResource() && r.Resource.Group == "" && r.Resource.Resource == "namespaces" &&
		r.Name != "" && !r.onCollection() {
		return r.Name
	}
	return r.Namespace
}
