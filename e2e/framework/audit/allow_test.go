package audit

import (
	"strings"
	"testing"
)

func TestParseAllowList(t *testing.T) {
	l, err := ParseAllowList("allow.yaml", []byte(`
allow:
  - serviceAccount: default/sample
    rules: [secrets-read, cluster-admin-wildcard]
    scopes: cluster
    reason: the seed's wildcard
  - user: jane@example.com
    groups: [system:masters, b]
    rules: nodes-proxy
    permissions: ["get  nodes/proxy", "get /metrics"]
    scopes: [team-a, cluster]
    reason: superuser
  - group: system:authenticated
    rules: authenticated-binding
    reason: discovery
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 3 {
		t.Fatalf("got %d entries", len(l.Entries))
	}
	e := l.Entries[1]
	if e.SubjectKey != "user:jane@example.com groups:b,system:masters" || e.Permissions[0] != "get nodes/proxy" || e.Scopes[1] != "cluster" || e.Pos.String() != "allow.yaml:7" {
		t.Errorf("entry 1: got %+v", e)
	}
	if l.Entries[2].SubjectKey != "group:system:authenticated" || l.Entries[0].SubjectKey != "serviceaccount:default/sample" {
		t.Errorf("subject keys: got %q, %q", l.Entries[2].SubjectKey, l.Entries[0].SubjectKey)
	}
}

func TestParseAllowListErrors(t *testing.T) {
	cases := []struct{ name, data, want string }{
		{"missing reason and unknown rule", `
allow:
  - serviceAccount: default/sample
    rules: [secrets-read, secret-read]
`, `allow.yaml:3: allow[0].reason: missing: say why the team accepts this grant
allow.yaml:4: allow[0].rules[1]: unknown rule ID "secret-read" (want one of secrets-read, workload-create, persistentvolume-create, nodes-proxy, escalate, bind, impersonate, csr-approve, token-create, admission-webhooks, namespace-modify, cluster-admin-wildcard, unauthenticated-binding, authenticated-binding)`},
		{"empty reason", `
allow:
  - serviceAccount: default/sample
    rules: bind
    reason: ""
`, `allow.yaml:5: allow[0].reason: must not be empty`},
		{"no rules, two subjects, unknown key", `
allow:
  - serviceAccount: default/sample
    user: bob
    reason: x
    note: y
`, `allow.yaml:3: allow[0]: want exactly one of serviceAccount: namespace/name, user: (with groups: when needed) or group:
allow.yaml:3: allow[0].rules: missing: name the rule IDs this entry accepts (secrets-read, workload-create, persistentvolume-create, nodes-proxy, escalate, bind, impersonate, csr-approve, token-create, admission-webhooks, namespace-modify, cluster-admin-wildcard, unauthenticated-binding, authenticated-binding)
allow.yaml:6: allow[0].note: unknown key (want one of serviceAccount, user, groups, group, rules, scopes, permissions, reason)`},
		{"bad values", `
allow:
  - serviceAccount: sample
    rules: bind
    scopes: [cluster, Team_A]
    permissions: [get, "get /metrics x"]
    reason: x
  - group: g
    groups: [a]
    rules: bind
    reason: x
`, `allow.yaml:3: allow[0].serviceAccount: want namespace/name, got "sample"
allow.yaml:5: allow[0].scopes[1]: want cluster or a namespace name, got "Team_A"
allow.yaml:6: allow[0].permissions[0]: want "verb resource[.group][/subresource] [name]" or "verb /url", as findings print it, got "get"
allow.yaml:6: allow[0].permissions[1]: a URL has no object name: want "verb resource[.group][/subresource] [name]" or "verb /url", as findings print it, got "get /metrics x"
allow.yaml:9: allow[1].groups: groups go with a user`},
		{"not a list", "allow: {serviceAccount: a/b}\n", `allow.yaml:1: allow: want a list of entries, got a mapping`},
		{"empty", "", `allow.yaml:1: empty file: want allow: and a list of entries`},
		{"malformed YAML", "allow:\n  - rules: [bind\n    reason: x\n", `allow.yaml:3: malformed YAML`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseAllowList("allow.yaml", []byte(c.data))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("got\n%s\nwant\n%s", err, c.want)
			}
		})
	}
}

func TestAllowMatching(t *testing.T) {
	l, err := ParseAllowList("allow.yaml", []byte(`
allow:
  - serviceAccount: team-a/ci
    rules: secrets-read
    scopes: cluster
    reason: the CI reads its deploy keys
  - serviceAccount: team-a/ci
    rules: [workload-create]
    permissions: create deployments.apps
    scopes: team-a
    reason: it deploys
  - serviceAccount: team-a/unused
    rules: bind
    reason: gone
`))
	if err != nil {
		t.Fatal(err)
	}
	f := func(rule, perm, scope string) Finding {
		return Finding{Rule: rule, SubjectKey: "serviceaccount:team-a/ci", Permission: perm, Scope: scope}
	}
	cases := []struct {
		f    Finding
		want string // the entry's line, "" for none
	}{
		{f(SecretsRead, "list secrets", "cluster"), "allow.yaml:3"},
		{f(SecretsRead, "get secrets", "every namespace"), "allow.yaml:3"},
		{f(SecretsRead, "get secrets", "namespace team-a"), ""},
		{f(WorkloadCreate, "create deployments.apps", "namespace team-a"), "allow.yaml:7"},
		{f(WorkloadCreate, "create pods", "namespace team-a"), ""},
		{f(WorkloadCreate, "create deployments.apps", "namespace team-b"), ""},
		{f(WorkloadCreate, "create deployments.apps", "every namespace"), ""},
		{Finding{Rule: SecretsRead, SubjectKey: "serviceaccount:team-a/other", Permission: "list secrets", Scope: "cluster"}, ""},
	}
	for _, c := range cases {
		e, ok := l.Allows(c.f)
		got := ""
		if ok {
			got = e.Pos.String()
		}
		if got != c.want {
			t.Errorf("%s %s (%s): allowed by %q, want %q", c.f.Rule, c.f.Permission, c.f.Scope, got, c.want)
		}
	}
	unused := l.Unused([]Finding{cases[0].f, cases[3].f})
	if len(unused) != 1 || unused[0].Pos.Line != 12 {
		t.Errorf("unused: got %+v", unused)
	}
	var nilList *AllowList
	if _, ok := nilList.Allows(cases[0].f); ok {
		t.Error("a nil list allows")
	}
}

func TestLoadAllowListMissingFile(t *testing.T) {
	l, err := LoadAllowList(t.TempDir(), "fixtures/audit/allow.yaml")
	if err != nil || len(l.Entries) != 0 {
		t.Fatalf("got %v, %v", l, err)
	}
}
