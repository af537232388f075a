package forensics

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

func TestDirName(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want string // without the hash
	}{
		{"scenario ID once", Spec{FullText: "RBAC roles AUTHZ-2: a Role grants only its verbs", LeafText: "AUTHZ-2: a Role grants only its verbs", Labels: []string{"authz", "AUTHZ-2"}},
			"AUTHZ-2-a-role-grants-only-its-verbs-"},
		{"no ID", Spec{FullText: "gate checks the matrix", LeafText: "checks the matrix", Labels: []string{"gate"}}, "checks-the-matrix-"},
		{"long text cut at a word", Spec{FullText: "x", LeafText: "POD-1: a Pod's mounted token authenticates as its ServiceAccount through both channels and more", Labels: []string{"POD-1"}},
			"POD-1-a-pod-s-mounted-token-authenticates-as-"},
		{"nothing readable", Spec{FullText: "…", LeafText: "…"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.spec.DirName()
			if got != tt.want+tt.spec.ID() {
				t.Errorf("DirName() = %q, want %q", got, tt.want+tt.spec.ID())
			}
			if len(got) > 70 || strings.ContainsAny(got, "/ :'\"") {
				t.Errorf("DirName() = %q: not a short, safe folder name", got)
			}
		})
	}
	a := Spec{FullText: "A AUTHZ-1: x", LeafText: "AUTHZ-1: x"}
	b := Spec{FullText: "B AUTHZ-1: x", LeafText: "AUTHZ-1: x"}
	if a.DirName() == b.DirName() || len(a.ID()) != 10 {
		t.Errorf("specs with the same It text in different containers share %q", a.DirName())
	}
}

const (
	run      = "rbac-e2e.io/run=r1"
	selector = run + ",rbac-e2e.io/spec=abc"
	// A JWT-shaped string: it must never reach a file.
	jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6eDp5In0.c2lnbmF0dXJlc2lnbmF0dXJl"
)

func meta(ns, name string, labelled bool) metav1.ObjectMeta {
	m := metav1.ObjectMeta{Namespace: ns, Name: name,
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "rbac-e2e", Operation: metav1.ManagedFieldsOperationApply}}}
	if labelled {
		m.Labels = map[string]string{"rbac-e2e.io/run": "r1", "rbac-e2e.io/spec": "abc"}
	}
	return m
}

func cluster() *fake.Clientset {
	rules := []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"list"}}}
	ref := rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "reader"}
	subjects := []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: "spec-ns", Name: "sa"}}
	objs := []runtime.Object{
		&corev1.Namespace{ObjectMeta: meta("", "spec-ns", false)},
		&corev1.Namespace{ObjectMeta: meta("", "extra-ns", true)},
		&corev1.Namespace{ObjectMeta: meta("", "other-spec-ns", false)},
		&corev1.ServiceAccount{ObjectMeta: meta("spec-ns", "sa", false), Secrets: []corev1.ObjectReference{{Name: "sa-token"}}},
		&corev1.ServiceAccount{ObjectMeta: meta("other-spec-ns", "not-mine", false)},
		&corev1.Secret{ObjectMeta: meta("spec-ns", "sa-token", false), Data: map[string][]byte{"token": []byte(jwt)}},
		&rbacv1.Role{ObjectMeta: meta("spec-ns", "reader", false), Rules: rules},
		&rbacv1.RoleBinding{ObjectMeta: meta("extra-ns", "reader", false), RoleRef: ref, Subjects: subjects},
		&rbacv1.RoleBinding{ObjectMeta: meta("default", "labelled-elsewhere", true), RoleRef: ref, Subjects: subjects},
		&rbacv1.RoleBinding{ObjectMeta: meta("default", "someone-elses", false), RoleRef: ref, Subjects: subjects},
		&rbacv1.ClusterRole{ObjectMeta: meta("", "rbac-e2e-reader-x1", true), Rules: rules},
		&rbacv1.ClusterRole{ObjectMeta: meta("", "view", false), Rules: rules},
		&rbacv1.ClusterRoleBinding{ObjectMeta: meta("", "rbac-e2e-reader-y2", true), RoleRef: ref, Subjects: subjects},
		&corev1.Event{ObjectMeta: meta("spec-ns", "e1", false), InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "probe"},
			Type: "Warning", Reason: "Failed", Message: "token " + jwt + " refused", LastTimestamp: metav1.NewTime(time.Date(2026, 12, 1, 21, 0, 0, 0, time.UTC))},
		&corev1.Event{ObjectMeta: meta("other-spec-ns", "e2", false), Reason: "NotMine"},
	}
	return fake.NewClientset(objs...)
}

func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "specs", "AUTHZ-2-x-abc")
	found, err := Write(context.Background(), cluster(), dir, Scope{Namespaces: []string{"spec-ns", "gone-ns"}, Selector: selector}, "spec: AUTHZ-2: x\nfailed: expected 403, got 200")
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	if want := []string{"extra-ns", "spec-ns"}; !slices.Equal(found.Namespaces, want) {
		t.Errorf("namespaces = %v, want %v", found.Namespaces, want)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	all := ""
	for _, f := range found.Files {
		all += read(f)
	}
	for name, want := range map[string][]string{
		"spec.txt":                 {"failed: expected 403, got 200", "namespaces: extra-ns, spec-ns", "selector:   " + selector, "ClusterRole rbac-e2e-reader-x1"},
		"events.txt":               {"# 1 events in namespaces extra-ns, spec-ns", "2026-12-01T21:00:00Z spec-ns Pod/probe Warning Failed: token [REDACTED] refused"},
		"namespaces.yaml":          {"# 2 Namespaces: the spec's, and those labelled " + selector, "# namespace gone-ns: gone already", "kind: Namespace", "name: extra-ns"},
		"serviceaccounts.yaml":     {"# 1 ServiceAccounts: in namespaces extra-ns, spec-ns", "kind: ServiceAccount", "apiVersion: v1", "name: sa-token"},
		"roles.yaml":               {"# 1 Roles: in namespaces extra-ns, spec-ns, and those labelled " + selector + " elsewhere", "apiVersion: rbac.authorization.k8s.io/v1", "kind: Role\n"},
		"rolebindings.yaml":        {"# 2 RoleBindings", "name: labelled-elsewhere", "namespace: extra-ns"},
		"clusterroles.yaml":        {"# 1 ClusterRoles: labelled " + selector, "name: rbac-e2e-reader-x1"},
		"clusterrolebindings.yaml": {"# 1 ClusterRoleBindings", "name: rbac-e2e-reader-y2"},
	} {
		got := read(name)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q:\n%s", name, w, got)
			}
		}
	}
	for _, never := range []string{jwt, "managedFields", "someone-elses", "not-mine", "NotMine", "name: view", "kind: Secret"} {
		if strings.Contains(all, never) {
			t.Errorf("the files hold %q", never)
		}
	}
	var own []string
	for _, o := range found.Own() {
		own = append(own, o.String())
	}
	want := []string{"Namespace extra-ns", "Namespace spec-ns", "RoleBinding default/labelled-elsewhere",
		"ClusterRole rbac-e2e-reader-x1", "ClusterRoleBinding rbac-e2e-reader-y2"}
	if !slices.Equal(own, want) {
		t.Errorf("Own() = %q, want %q", own, want)
	}
}

// A list the caller may not make is reported in its file and returned; the
// other files are still written.
func TestWriteGoesOnPastAFailedList(t *testing.T) {
	c := cluster()
	c.PrependReactor("list", "clusterroles", func(a k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, errForbidden
	})
	dir := t.TempDir()
	found, err := Write(context.Background(), c, dir, Scope{Namespaces: []string{"spec-ns"}, Selector: selector}, "r")
	if err == nil || !strings.Contains(err.Error(), "listing ClusterRoles") {
		t.Fatalf("Write error = %v, want the failed ClusterRole list", err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "clusterroles.yaml"))
	if !strings.Contains(string(b), "# listing ClusterRoles "+selector+": ") {
		t.Errorf("clusterroles.yaml = %q, want the error", b)
	}
	if len(found.Files) != 8 {
		t.Errorf("files = %v, want all 8", found.Files)
	}
}

func TestKeepAndDeleteCommands(t *testing.T) {
	c := cluster()
	ctx := context.Background()
	found, err := Write(ctx, c, t.TempDir(), Scope{Namespaces: []string{"spec-ns"}, Selector: selector}, "r")
	if err != nil {
		t.Fatal(err)
	}
	if err := Keep(ctx, c, found.Own(), "rbac-e2e.io/keep", "true"); err != nil {
		t.Fatalf("Keep: %v", err)
	}
	kept := metav1.ListOptions{LabelSelector: "rbac-e2e.io/keep=true"}
	ns, _ := c.CoreV1().Namespaces().List(ctx, kept)
	crs, _ := c.RbacV1().ClusterRoles().List(ctx, kept)
	rbs, _ := c.RbacV1().RoleBindings("").List(ctx, kept)
	if len(ns.Items) != 2 || len(crs.Items) != 1 || len(rbs.Items) != 1 {
		t.Errorf("kept: %d namespaces, %d ClusterRoles, %d RoleBindings; want 2, 1, 1", len(ns.Items), len(crs.Items), len(rbs.Items))
	}
	if crs.Items[0].Labels["rbac-e2e.io/run"] != "r1" {
		t.Errorf("Keep dropped the other labels: %v", crs.Items[0].Labels)
	}
	got := DeleteCommands(found.Own(), "/tmp/k")
	want := []string{
		"kubectl --kubeconfig /tmp/k delete clusterrolebinding rbac-e2e-reader-y2",
		"kubectl --kubeconfig /tmp/k -n default delete rolebinding labelled-elsewhere",
		"kubectl --kubeconfig /tmp/k delete clusterrole rbac-e2e-reader-x1",
		"kubectl --kubeconfig /tmp/k delete namespace extra-ns spec-ns",
	}
	if !slices.Equal(got, want) {
		t.Errorf("DeleteCommands =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestFormatEvents(t *testing.T) {
	at := func(s int) metav1.Time { return metav1.NewTime(time.Date(2026, 1, 1, 0, 0, s, 0, time.UTC)) }
	got := FormatEvents([]corev1.Event{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "b"}, InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "p"}, Type: "Normal", Reason: "Later", Message: "two\n  lines", LastTimestamp: at(2), Count: 3},
		{InvolvedObject: corev1.ObjectReference{Kind: "Node", Name: "n"}, Type: "Normal", Reason: "Earlier", EventTime: metav1.NewMicroTime(at(1).Time)},
	})
	want := "2026-01-01T00:00:01Z - Node/n Normal Earlier: \n2026-01-01T00:00:02Z b Pod/p Normal Later: two lines (x3)\n"
	if got != want {
		t.Errorf("FormatEvents =\n%q\nwant\n%q", got, want)
	}
	e := corev1.Event{ObjectMeta: metav1.ObjectMeta{Namespace: "b"}, InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "p"}, Type: "Warning", Reason: "BackOff", Message: "again ", LastTimestamp: at(2), Count: 2}
	if got, want := FormatEventsAs([]corev1.Event{e}, EventFormat{Indent: "  ", Clock: true, NoObject: true}), "  00:00:02 Warning BackOff: again (x2)\n"; got != want {
		t.Errorf("FormatEventsAs(indent, clock, no object) = %q, want %q", got, want)
	}
}

var errForbidden = apierrors.NewForbidden(schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "clusterroles"}, "", nil)
