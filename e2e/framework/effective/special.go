package effective

// scope is where a candidate is asked.
type scope int

const (
	clusterScope   scope = 1 << iota // namespace ""
	namespaceScope                   // each namespace of the sweep
)

// special is a verb RBAC grants that no request carries as its own verb,
// on the resource the API server checks it on.
type special struct {
	Verb, Group, Version, Resource string
	Scope                          scope
	IfServed                       bool // only where the cluster serves the resource
}

// specials lists RBAC's special verbs and where the API server checks
// them (Kubernetes documentation, "Using RBAC Authorization", section
// "Privilege escalation prevention and bootstrapping"; "Authenticating",
// section "User impersonation"; "Certificates and Certificate Signing
// Requests", sections "Authorization" and "ClusterTrustBundles"; "Pod
// Security Policies", section "Authorizing policies"):
//   - bind: creating or updating a (Cluster)RoleBinding that refers to a
//     role the writer does not hold; a RoleBinding to a ClusterRole asks
//     bind on clusterroles in the binding's namespace, so both scopes count;
//   - escalate: creating or updating a role with rules the writer does not
//     hold;
//   - impersonate: the Impersonate-User, -Group, -Uid and -Extra-<key>
//     headers (users, groups, uids, userextras/<key>; serviceaccounts in the
//     account's namespace);
//   - approve and sign: approving a CSR and writing its certificate, on the
//     signer's name (resource signers, name <signerName> or <domain>/*);
//   - attest: a ClusterTrustBundle for a signer;
//   - use: a PodSecurityPolicy (removed in v1.25; asked only where served).
//
// Resources that are not served (users, groups, signers, …) are named at
// version v1 in a snapshot.
var specials = []special{
	{Verb: "bind", Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles", Scope: namespaceScope},
	{Verb: "escalate", Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles", Scope: namespaceScope},
	{Verb: "bind", Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles", Scope: clusterScope | namespaceScope},
	{Verb: "escalate", Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles", Scope: clusterScope},
	{Verb: "impersonate", Group: "", Version: "v1", Resource: "users", Scope: clusterScope},
	{Verb: "impersonate", Group: "", Version: "v1", Resource: "groups", Scope: clusterScope},
	{Verb: "impersonate", Group: "", Version: "v1", Resource: "serviceaccounts", Scope: namespaceScope},
	{Verb: "impersonate", Group: "authentication.k8s.io", Version: "v1", Resource: "uids", Scope: clusterScope},
	{Verb: "impersonate", Group: "authentication.k8s.io", Version: "v1", Resource: "userextras", Scope: clusterScope},
	{Verb: "approve", Group: "certificates.k8s.io", Version: "v1", Resource: "signers", Scope: clusterScope},
	{Verb: "sign", Group: "certificates.k8s.io", Version: "v1", Resource: "signers", Scope: clusterScope},
	{Verb: "attest", Group: "certificates.k8s.io", Version: "v1", Resource: "signers", Scope: clusterScope},
	{Verb: "use", Group: "policy", Version: "v1beta1", Resource: "podsecuritypolicies", Scope: clusterScope | namespaceScope, IfServed: true},
}

// userExtras is the resource whose subresource is an extra's key
// (Impersonate-Extra-<key> asks impersonate on userextras/<key>).
const userExtras = "userextras"

// specialsOn are the special verbs of a group and resource.
func specialsOn(group, resource string) []special {
	var out []special
	for _, s := range specials {
		if s.Group == group && s.Resource == resource {
			out = append(out, s)
		}
	}
	return out
}
