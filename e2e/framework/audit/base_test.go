package audit

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestNewAndWithBase(t *testing.T) {
	mk := func(rule, subject, perm, scope string, status Status) Finding {
		return Finding{Rule: rule, Subject: subject, SubjectKey: subject, Permission: perm, Scope: scope, Status: status, Paths: []string{"p"}}
	}
	head := []Finding{
		mk(SecretsRead, "a", "get secrets", "cluster", StatusAllowed),
		mk(SecretsRead, "a", "list secrets", "cluster", StatusNew),
		mk(WorkloadCreate, "a", "create pods", "namespace x", StatusNew),
		mk(Bind, "b", "bind clusterroles.rbac.authorization.k8s.io", "cluster", StatusNew),
	}
	base := []Finding{
		mk(SecretsRead, "a", "get secrets", "cluster", StatusAllowed),
		mk(SecretsRead, "a", "list secrets", "cluster", StatusNew),
		mk(WorkloadCreate, "a", "create pods", "namespace y", StatusNew), // another scope: not the same grant
	}
	base[1].Paths = []string{"another path"} // a grant that moved is the same grant

	got := New(head, base)
	if len(got) != 2 || got[0].Permission != "create pods" || got[1].Permission != "bind clusterroles.rbac.authorization.k8s.io" {
		t.Errorf("New: got %+v", got)
	}
	all := WithBase(head, base)
	var order []string
	for _, f := range all {
		order = append(order, string(f.Status)+" "+f.Permission)
	}
	want := "new create pods|new bind clusterroles.rbac.authorization.k8s.io|at-base list secrets|allowed get secrets"
	if strings.Join(order, "|") != want {
		t.Errorf("WithBase order:\ngot  %s\nwant %s", strings.Join(order, "|"), want)
	}
	if head[1].Status != StatusNew {
		t.Error("WithBase changed its input")
	}
	if len(New(head, nil)) != 3 {
		t.Error("without a base every finding that is not allowed is new")
	}
}

func TestBindingFindingsDifferByBinding(t *testing.T) {
	a := Finding{Rule: AuthenticatedBinding, SubjectKey: "group:system:authenticated", Scope: "cluster", Binding: "ClusterRoleBinding a", Status: StatusNew}
	b := a
	b.Binding = "ClusterRoleBinding b"
	if len(New([]Finding{b}, []Finding{a})) != 1 {
		t.Error("a second binding to system:authenticated is new even when the base had one")
	}
}

func TestReports(t *testing.T) {
	fs := []Finding{
		{Rule: SecretsRead, Title: "Read Secrets", Reason: "r1", Subject: "ServiceAccount a/b", Permission: "get secrets", Scope: "every namespace",
			Paths: []string{"ClusterRoleBinding x → ClusterRole y → rules[0] (apiGroups [\"\"], resources [\"secrets\"], verbs [\"get\"])"}, Status: StatusAllowed,
			AllowedBy: "fixtures/audit/allow.yaml:4", AllowReason: "needed | really"},
		{Rule: Bind, Title: "bind roles", Reason: "r2", Subject: "ServiceAccount a/b", Permission: "bind roles.rbac.authorization.k8s.io", Scope: "namespace n", Status: StatusNew, Paths: []string{}},
	}
	md := Markdown(fs)
	for _, want := range []string{
		"2 dangerous grants: **1 new**, 0 present at the base, 1 allowed.",
		"| **NEW** | ServiceAccount a/b | `bind` | bind roles.rbac.authorization.k8s.io | namespace n | no RBAC path (another authorizer allowed it) |",
		"| allowed (fixtures/audit/allow.yaml:4) | ServiceAccount a/b | `secrets-read` | get secrets | every namespace | ClusterRoleBinding x → ClusterRole y",
		"| fixtures/audit/allow.yaml:4 | needed \\| really |",
		"| `secrets-read` | Read Secrets | get, and also list and watch, return Secrets' contents",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Index(md, "**NEW**") > strings.Index(md, "allowed (") {
		t.Error("new findings come first")
	}
	js, err := JSON(fs)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Counts   Counts
		Findings []Finding
	}
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if back.Counts != (Counts{Total: 2, New: 1, Allowed: 1}) || back.Findings[0].Rule != Bind || back.Findings[1].Key() != fs[0].Key() {
		t.Errorf("JSON: got %+v", back)
	}
	if Markdown(nil) != "No dangerous grants.\n" {
		t.Error("empty")
	}
	if !strings.Contains(RulesMarkdown(), "| `nodes-proxy` | Access nodes/proxy |") {
		t.Error(RulesMarkdown())
	}
}
