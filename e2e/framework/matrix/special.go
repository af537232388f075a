package matrix

import (
	"fmt"
	"slices"
	"strings"
)

// SpecialVerbs are the verbs RBAC grants that no request carries as its
// own: the API server checks them while it serves another request (bind
// and escalate while it writes a (Cluster)RoleBinding or (Cluster)Role,
// impersonate for Impersonate-* headers, approve and sign for a CSR's
// approval and status, attest for a ClusterTrustBundle, use for a
// PodSecurityPolicy). A row may name them, so an effective-access snapshot
// is a valid fixture; the gate judges them by access review alone.
var SpecialVerbs = []string{"approve", "attest", "bind", "escalate", "impersonate", "sign", "use"}

// IsSpecialVerb tells whether verb is one of SpecialVerbs.
func IsSpecialVerb(verb string) bool { return slices.Contains(SpecialVerbs, verb) }

// CheckURL tells whether a urls: row may hold u: the rule urls: rows
// follow (a path, no query, not a resource path).
func CheckURL(u string) error { return checkURL(u) }

// specialReviewOnly is PlanOn's reason for a special verb.
func specialReviewOnly(verb string) string {
	return fmt.Sprintf("%s (no request carries %s as its verb: the API server checks it inside another request, one of %s)",
		ReviewOnlyReason, verb, strings.Join(SpecialVerbs, ", "))
}
