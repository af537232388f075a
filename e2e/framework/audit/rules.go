package audit

import (
	"slices"

	"rbac-e2e/e2e/framework/effective"
)

// Rule is one kind of dangerous grant.
type Rule struct {
	ID     string
	Title  string
	Reason string // why it is dangerous, after the good-practices page

	// match tells whether one allowed permission is such a grant; nil for
	// the rules that look at more than one permission or at bindings.
	match func(p effective.Permission) bool
}

// Rule IDs.
const (
	SecretsRead            = "secrets-read"
	WorkloadCreate         = "workload-create"
	PersistentVolume       = "persistentvolume-create"
	NodesProxy             = "nodes-proxy"
	Escalate               = "escalate"
	Bind                   = "bind"
	Impersonate            = "impersonate"
	CSRApprove             = "csr-approve"
	TokenCreate            = "token-create"
	AdmissionWebhooks      = "admission-webhooks"
	NamespaceModify        = "namespace-modify"
	ClusterAdminWildcard   = "cluster-admin-wildcard"
	UnauthenticatedBinding = "unauthenticated-binding"
	AuthenticatedBinding   = "authenticated-binding"
)

// Rules are every rule, in the order reports list them: the good-practices
// page's eleven risks ("Kubernetes RBAC - privilege escalation risks"),
// then the wildcard and the binding rules.
var Rules = []Rule{
	{ID: SecretsRead, Title: "Read Secrets",
		Reason: "get, and also list and watch, return Secrets' contents: credentials of other identities",
		match:  on(verbs("get", "list", "watch"), resource("", "secrets"))},
	{ID: WorkloadCreate, Title: "Create workloads",
		Reason: "a Pod can mount any Secret, ConfigMap or volume of its namespace, run as any of its ServiceAccounts, and, if privileged, take over the node",
		match: on(verbs("create"), anyOf(resource("", "pods"), resource("", "replicationcontrollers"),
			resource("apps", "deployments"), resource("apps", "daemonsets"), resource("apps", "statefulsets"), resource("apps", "replicasets"),
			resource("batch", "jobs"), resource("batch", "cronjobs")))},
	{ID: PersistentVolume, Title: "Create PersistentVolumes",
		Reason: "a hostPath PersistentVolume gives a Pod the node's filesystem",
		match:  on(verbs("create"), clusterScoped(resource("", "persistentvolumes")))},
	{ID: NodesProxy, Title: "Access nodes/proxy",
		Reason: "the kubelet API runs commands in every Pod of the node, past audit logging and admission; get is enough (exec over a WebSocket)",
		match:  clusterScoped(subresource("", "nodes", "proxy"))},
	{ID: Escalate, Title: "escalate on roles",
		Reason: "create or edit roles with permissions the subject does not hold",
		match:  on(verbs("escalate"), anyOf(resource("rbac.authorization.k8s.io", "roles"), clusterScoped(resource("rbac.authorization.k8s.io", "clusterroles"))))},
	{ID: Bind, Title: "bind roles",
		Reason: "bind roles whose permissions the subject does not hold, to itself or anyone",
		match:  on(verbs("bind"), anyOf(resource("rbac.authorization.k8s.io", "roles"), resource("rbac.authorization.k8s.io", "clusterroles")))},
	{ID: Impersonate, Title: "impersonate",
		Reason: "act as other users, groups or ServiceAccounts and gain their rights",
		match: on(verbs("impersonate"), anyOf(clusterScoped(resource("", "users")), clusterScoped(resource("", "groups")), resource("", "serviceaccounts"),
			clusterScoped(resource("authentication.k8s.io", "uids")), clusterScoped(anySubresource("authentication.k8s.io", "userextras"))))},
	{ID: CSRApprove, Title: "Create and approve CSRs",
		Reason: "create a CertificateSigningRequest and approve it for the kube-apiserver-client signer: a client certificate for any identity"},
	{ID: TokenCreate, Title: "Create ServiceAccount tokens",
		Reason: "issue a token for an existing ServiceAccount and act as it",
		match:  on(verbs("create"), subresource("", "serviceaccounts", "token"))},
	{ID: AdmissionWebhooks, Title: "Control admission webhooks",
		Reason: "a webhook reads every object admitted to the cluster, and a mutating one changes it",
		match: on(verbs("create", "update", "patch"), anyOf(clusterScoped(resource("admissionregistration.k8s.io", "mutatingwebhookconfigurations")),
			clusterScoped(resource("admissionregistration.k8s.io", "validatingwebhookconfigurations"))))},
	{ID: NamespaceModify, Title: "Modify namespaces",
		Reason: "relabelling a namespace can loosen its Pod Security level or the NetworkPolicies that select it",
		match:  on(verbs("patch", "update"), resource("", "namespaces"))},
	{ID: ClusterAdminWildcard, Title: "Wildcard on every resource or URL (with every verb: cluster-admin-equivalent)",
		Reason: "a * rule grants every resource or URL, those served now and those added later",
		match:  isWildcardProbe},
	{ID: UnauthenticatedBinding, Title: "Binding to system:anonymous or system:unauthenticated",
		Reason: "grants to anyone who reaches the API server, without credentials"},
	{ID: AuthenticatedBinding, Title: "Binding to system:authenticated or system:serviceaccounts",
		Reason: "grants to every authenticated client, or to every ServiceAccount token (any Pod's) of the cluster"},
}

// RuleByID is the rule of an ID.
func RuleByID(id string) (Rule, bool) {
	i := slices.IndexFunc(Rules, func(r Rule) bool { return r.ID == id })
	if i < 0 {
		return Rule{}, false
	}
	return Rules[i], true
}

// RuleIDs are every rule's ID, in report order.
func RuleIDs() []string {
	out := make([]string, len(Rules))
	for i, r := range Rules {
		out[i] = r.ID
	}
	return out
}

func ruleRank(id string) int { return slices.Index(RuleIDs(), id) }

type pred func(effective.Permission) bool

func on(ps ...pred) pred {
	return func(p effective.Permission) bool {
		for _, f := range ps {
			if !f(p) {
				return false
			}
		}
		return true
	}
}

func anyOf(ps ...pred) pred {
	return func(p effective.Permission) bool { return slices.ContainsFunc(ps, func(f pred) bool { return f(p) }) }
}

func verbs(v ...string) pred {
	return func(p effective.Permission) bool { return slices.Contains(v, p.Verb) }
}

// resource is the resource itself, no subresource (create pods/eviction is
// not workload creation).
func resource(group, res string) pred { return subresource(group, res, "") }

func subresource(group, res, sub string) pred {
	return func(p effective.Permission) bool {
		return !p.IsURL() && p.Group == group && p.Resource == res && p.Subresource == sub
	}
}

func anySubresource(group, res string) pred {
	return func(p effective.Permission) bool { return !p.IsURL() && p.Group == group && p.Resource == res }
}

// clusterScoped counts a permission on a cluster-scoped resource only at
// cluster scope: a request for it carries no namespace, so what a
// RoleBinding grants "in a namespace" never reaches one.
func clusterScoped(f pred) pred {
	return func(p effective.Permission) bool { return p.Namespace == "" && f(p) }
}

// clientSigners are the signer names whose certificates the API server
// accepts as client credentials, and their domain's wildcard name (the
// approval is authorized on either).
var clientSigners = []string{"kubernetes.io/kube-apiserver-client", "kubernetes.io/kube-apiserver-client-kubelet", "kubernetes.io/*"}

// csrSigner tells whether approve on signers of this name ("" is any)
// approves client certificates.
func csrSigner(name string) bool { return name == "" || slices.Contains(clientSigners, name) }
