package gate

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"

	"rbac-e2e/e2e/framework/audit"
	"rbac-e2e/e2e/framework/manifest"
	"rbac-e2e/e2e/framework/matrix"
	"rbac-e2e/e2e/framework/report"
)

func TestRowsErrorTellsEveryRowOnceInGomega(t *testing.T) {
	e := &RowsError{Subject: "ServiceAccount a/b", Failed: 2, Rows: 9, Report: "gate/x.md", Lines: []string{"f.yaml:5 (rows[0]) list pods: nope", "f.yaml:9 (rows[1]) get secrets: nope"}}
	msg := e.Error()
	for _, want := range []string{"ServiceAccount a/b: 2 of 9 rows failed (report: gate/x.md)", "f.yaml:5 (rows[0]) list pods: nope", "f.yaml:9"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Error() lacks %q:\n%s", want, msg)
		}
	}
	if g := e.GomegaString(); strings.Contains(g, "f.yaml") {
		t.Errorf("GomegaString repeats the rows: %s", g)
	}
	many := &RowsError{Subject: "s", Failed: MessageRows + 5, Rows: 200}
	for i := 0; i < MessageRows+5; i++ {
		many.Lines = append(many.Lines, "row")
	}
	if got := strings.Count(many.Error(), "row\n") + 1; got != MessageRows {
		t.Errorf("%d rows spelled out, want %d", got, MessageRows)
	}
}

func TestFilesOfKeepsFirstSeenOrder(t *testing.T) {
	cs := []matrix.Check{{Row: matrix.Pos{File: "b.yaml"}}, {Row: matrix.Pos{File: "a.yaml"}}, {Row: matrix.Pos{File: "b.yaml"}}}
	if got := strings.Join(FilesOf(cs), ","); got != "b.yaml,a.yaml" {
		t.Errorf("FilesOf = %s", got)
	}
}

func TestNotInIsWhatALaterApplyDropped(t *testing.T) {
	obj := func(kind, ns, name string) manifest.Applied {
		u := &unstructured.Unstructured{}
		u.SetKind(kind)
		u.SetNamespace(ns)
		u.SetName(name)
		return manifest.Applied{Object: manifest.Object{Unstructured: u}, Resource: schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: strings.ToLower(kind) + "s"}}
	}
	base := []manifest.Applied{obj("ClusterRole", "", "a"), obj("RoleBinding", "x", "b"), obj("RoleBinding", "y", "b")}
	head := []manifest.Applied{obj("ClusterRole", "", "a"), obj("RoleBinding", "y", "b")}
	gone := notIn(base, head)
	if len(gone) != 1 || gone[0].GetNamespace() != "x" {
		t.Errorf("notIn = %v", gone)
	}
}

func TestNoProbeObject(t *testing.T) {
	m, err := matrix.Parse("f.yaml", []byte(`subjects: [{serviceAccount: a/b}]
rows:
  - verbs: get
    resources: v1/pods
    subresource: proxy
    namespaces: ns
    allowed: false
`))
	if err != nil {
		t.Fatal(err)
	}
	scheme := runtime.NewScheme()
	gvr := schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	empty := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(scheme, map[schema.GroupVersionResource]string{gvr: "PodList"})
	if err := noProbeObject(context.Background(), empty, m.Checks); err != nil {
		t.Errorf("no object, yet: %v", err)
	}
	pod := &unstructured.Unstructured{}
	pod.SetAPIVersion("v1")
	pod.SetKind("Pod")
	pod.SetNamespace("ns")
	pod.SetName(matrix.ProbeName)
	withPod := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(scheme, map[schema.GroupVersionResource]string{gvr: "PodList"}, pod)
	err = noProbeObject(context.Background(), withPod, m.Checks)
	if err == nil || !strings.Contains(err.Error(), "f.yaml:3") || !strings.Contains(err.Error(), "exists in namespace ns") {
		t.Errorf("err = %v", err)
	}
}

func TestUnsettledAggregation(t *testing.T) {
	secrets := rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get"}}
	pods := rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get"}}
	agg := &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"to-view": "true"}}}}
	src := func(name string, r rbacv1.PolicyRule) rbacv1.ClusterRole {
		return rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"to-view": "true"}}, Rules: []rbacv1.PolicyRule{r}}
	}
	view := rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "view"}, AggregationRule: agg, Rules: []rbacv1.PolicyRule{pods}}
	if why := unsettled([]rbacv1.ClusterRole{view, src("a", pods)}); why != "" {
		t.Errorf("settled, yet: %s", why)
	}
	if why := unsettled([]rbacv1.ClusterRole{view, src("a", pods), src("b", secrets)}); !strings.Contains(why, "ClusterRole view lacks") {
		t.Errorf("a new source: %q", why)
	}
	if why := unsettled([]rbacv1.ClusterRole{view}); !strings.Contains(why, "still has") {
		t.Errorf("a removed source: %q", why)
	}
}

func TestAuditErrorNamesEachNewFinding(t *testing.T) {
	e := &AuditError{AllowList: "fixtures/audit/allow.yaml", New: []audit.Finding{{Rule: "secrets-read", Subject: "ServiceAccount a/b", Permission: "get secrets", Scope: "cluster", Paths: []string{"ClusterRoleBinding x → ClusterRole view"}, Status: audit.StatusNew, Reason: "reads every token"}}}
	msg := e.Error()
	for _, want := range []string{"1 new dangerous grants", "NEW secrets-read: ServiceAccount a/b may get secrets (cluster) via ClusterRoleBinding x → ClusterRole view", "reads every token", "fixtures/audit/allow.yaml"} {
		if !strings.Contains(msg, want) {
			t.Errorf("lacks %q:\n%s", want, msg)
		}
	}
}

func TestSnapshotErrorListsGainedAndLost(t *testing.T) {
	e := &SnapshotError{Dir: "fixtures/snapshot", Subjects: []SubjectChanges{{
		Subject: matrix.Subject{ServiceAccount: "a/b"},
		Changes: []report.Change{
			{Gained: true, Permission: "get secrets", Scope: "cluster", Path: "ClusterRoleBinding x → ClusterRole view ← aggregated from ClusterRole y", Confirmed: "client-go: 404 Not Found, http: 404 Not Found, review: allowed"},
			{Gained: false, Permission: "list pods", Scope: "ns"},
		},
	}}}
	msg := e.Error()
	for _, want := range []string{"ServiceAccount a/b:", "+ get secrets (cluster scope)", "aggregated from ClusterRole y", "− list pods (namespace ns)", "no RBAC path found", "make snapshot"} {
		if !strings.Contains(msg, want) {
			t.Errorf("lacks %q:\n%s", want, msg)
		}
	}
}

func TestDiffWritesMarkdownAndJSON(t *testing.T) {
	dir := t.TempDir()
	d := &Diff{Base: "origin/main", Subjects: []DiffSubject{{Subject: "ServiceAccount a/b", Changes: []report.Change{
		{Gained: false, Permission: "list pods", Scope: "ns"},
		{Gained: true, Permission: "get secrets", Scope: "cluster", Path: "ClusterRoleBinding x → ClusterRole view"},
	}}}, Findings: []report.Finding{{New: false, Accepted: "present at the base", Risk: "b"}, {New: true, Risk: "Secrets", Permission: "get secrets", Scope: "cluster"}}}
	if err := d.Write(dir); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "diff.md"))
	s := string(md)
	for _, want := range []string{"# Access diff: origin/main → working tree", "1 permissions gained (+), 1 lost (−); 1 new dangerous grants (0 more accepted", "| + | get secrets | cluster | ClusterRoleBinding x → ClusterRole view |", "| − | list pods | ns |"} {
		if !strings.Contains(s, want) {
			t.Errorf("diff.md lacks %q:\n%s", want, s)
		}
	}
	if strings.Index(s, "**NEW**") > strings.Index(s, "accepted: present at the base") {
		t.Errorf("new findings not first:\n%s", s)
	}
	if strings.Index(s, "| + |") > strings.Index(s, "| − |") {
		t.Errorf("gained not first:\n%s", s)
	}
	if _, err := os.Stat(filepath.Join(dir, "diff.json")); err != nil {
		t.Error(err)
	}
}
