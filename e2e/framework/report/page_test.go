package report_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/report"
)

func TestGridMarksMismatchesAndOrdersScopes(t *testing.T) {
	md := report.GridMarkdown([]report.GridEntry{
		{Scope: "ns-1", Resource: "secrets", Verb: "get", Allowed: true, Mismatch: "f.yaml:9 expects denied"},
		{Scope: report.ClusterScope, Resource: "pods", Verb: "list", Allowed: true},
		{Scope: report.ClusterScope, Resource: "pods", Verb: "get", Allowed: false},
		{Scope: report.ClusterScope, Resource: "pods", Verb: "get", Allowed: false}, // the same cell twice
		{Scope: "ns-1", Resource: "secrets", Verb: "get", Allowed: true},
	})
	for _, want := range []string{
		"### Cluster scope (and URLs)\n\n| resource | get | list |\n|---|---|---|\n| pods | ✖ | ✔ |",
		"### Namespace ns-1\n\n| resource | get |\n|---|---|\n| secrets | **✔**⚠ |",
		"- ⚠ get secrets: allowed — f.yaml:9 expects denied",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("grid lacks %q:\n%s", want, md)
		}
	}
	if strings.Index(md, "Cluster scope") > strings.Index(md, "Namespace ns-1") {
		t.Errorf("cluster scope not first:\n%s", md)
	}
}

func TestGridEntryOfAFailedRow(t *testing.T) {
	cs := checks(t)
	sa := access.NewSubject("system:serviceaccount:ns-1:default", "secret-token")
	ok := []access.ChannelOutcome{{Channel: "client-go", Outcome: access.Outcome{Code: 200}}, {Channel: "http", Outcome: access.Outcome{Code: 200}}}
	res := access.Result{Subject: sa, Request: cs[1].Request(), Expect: cs[1].Expectation(), Outcomes: ok, Review: &access.Review{Allowed: true}}
	e := report.GridEntryOf(cs[1], res)
	if !e.Allowed || e.Scope != "ns-1" || e.Resource != "secrets" || e.Verb != "get" || !strings.Contains(e.Mismatch, "fixtures/access/v.yaml:6 expects denied") {
		t.Errorf("entry = %+v", e)
	}
	pass := access.Result{Subject: sa, Request: cs[0].Request(), Expect: cs[0].Expectation(), Outcomes: ok, Review: &access.Review{Allowed: true}}
	if e := report.GridEntryOf(cs[0], pass); e.Mismatch != "" || !e.Allowed || e.Scope != report.ClusterScope {
		t.Errorf("passing entry = %+v", e)
	}
}

func TestPageWritesMarkdownJSONAndLinksTheChecks(t *testing.T) {
	dir := t.TempDir()
	p := report.Page{
		Subject: "ServiceAccount ns-1/default", Failed: true, Summary: []string{"rows: 2 checks, 1 failed"},
		Changes:  []report.Change{{Gained: false, Permission: "list pods", Scope: "ns-1"}, {Gained: true, Permission: "get secrets", Scope: "cluster", Path: "ClusterRoleBinding a → ClusterRole view", Confirmed: "client-go: 404 Not Found"}},
		Findings: []report.Finding{{Accepted: "present at the base", Risk: "Z"}, {New: true, Risk: "Secrets", Permission: "get secrets", Scope: "cluster"}},
		Grid:     []report.GridEntry{{Scope: report.ClusterScope, Resource: "secrets", Verb: "get", Allowed: true, Mismatch: "gained"}},
		Checks:   report.ChecksFileName("ServiceAccount ns-1/default"),
	}
	path, err := p.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(path)
	s := string(md)
	order := []string{"**FAILED**", "[ServiceAccount_ns-1_default.checks.md](ServiceAccount_ns-1_default.checks.md)", "## Changes of effective access", "| + | get secrets |", "| − | list pods |", "## Dangerous grants", "**NEW**", "present at the base", "## Access grid", "**✔**⚠"}
	at := -1
	for _, want := range order {
		i := strings.Index(s, want)
		if i < 0 || i < at {
			t.Fatalf("%q missing or out of order:\n%s", want, s)
		}
		at = i
	}
	var back report.Page
	js, err := os.ReadFile(filepath.Join(dir, report.JSONFileName(p.Subject)))
	if err != nil || json.Unmarshal(js, &back) != nil || len(back.Grid) != 1 || !back.Findings[0].New {
		t.Errorf("JSON %s: %v", js, err)
	}
}
