package access

import (
	"fmt"
	"net/http"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ForbiddenContaining expects 403 Forbidden with a Status message that
// contains part, for messages that carry a per-channel object name or other
// detail a spec does not pin.
func ForbiddenContaining(part string) Expectation {
	return Expectation{Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden, MessageContains: part}
}

// DeniedByRBAC expects RBAC's denial of r to user, recognised by what
// identifies it: 403, reason Forbidden, and a Status message that contains
// RBAC's words for this user and request (RBACDenial). The rest of the
// message is not pinned: a cluster with more authorizers, or a binding to a
// missing role, adds to it (`…: RBAC: clusterrole… "x" not found`), and the
// object's name comes first only on some requests.
func DeniedByRBAC(user string, r Request) Expectation {
	e := ForbiddenContaining(RBACDenial(user, r))
	e.rbacDenial = true
	return e
}

// RefusedAfterAuthorization expects 403 Forbidden, message containing part,
// from a check the server makes after the authorizer said yes: RBAC's own
// escalation prevention when a role or binding is written. The access review
// answers for the authorizer alone, so it must say allowed.
func RefusedAfterAuthorization(part string) Expectation {
	e := ForbiddenContaining(part)
	e.afterAuthorization = true
	return e
}

// reviewAllows is the answer the access review must give.
func (e Expectation) reviewAllows() bool {
	return e.Code != http.StatusForbidden || e.afterAuthorization
}

// RBACDenial is the reason RBAC gives when it denies user the request, as
// the apiserver words it: `User "u" cannot list resource "pods" in API group
// "" in the namespace "ns"`, or `User "u" cannot get path "/metrics"`.
func RBACDenial(user string, r Request) string {
	if !r.IsResource() {
		return fmt.Sprintf("User %q cannot %s path %q", user, strings.ToLower(r.Method()), r.URL)
	}
	resource := r.Resource.Resource
	if r.Subresource != "" {
		resource += "/" + r.Subresource
	}
	scope := "at the cluster scope"
	if ns := r.AuthzNamespace(); ns != "" {
		scope = fmt.Sprintf("in the namespace %q", ns)
	}
	return fmt.Sprintf("User %q cannot %s resource %q in API group %q %s", user, r.Verb, resource, r.Resource.Group, scope)
}

// ForbiddenMessage is the whole Status message of that denial:
// `pods "p" is forbidden: User …` (no name when the URL names no object).
func ForbiddenMessage(user string, r Request) string {
	if !r.IsResource() {
		return "forbidden: " + RBACDenial(user, r)
	}
	gr := r.Resource.GroupResource().String()
	if r.Name != "" && !r.onCollection() {
		gr += fmt.Sprintf(" %q", r.Name)
	}
	return gr + " is forbidden: " + RBACDenial(user, r)
}
