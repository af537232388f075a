package effective_test

import (
	"bytes"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"rbac-e2e/e2e/framework/effective"
	"rbac-e2e/e2e/framework/matrix"
)

func perm(verb, group, version, resource, sub, name, ns string) effective.Permission {
	return effective.Permission{Verb: verb, Group: group, Version: version, Resource: resource, Subresource: sub, Name: name, Namespace: ns}
}

func keysOf(ps []effective.Permission) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Key()+"@"+p.Version)
	}
	return out
}

// roundTrip parses MatrixYAML back and returns the permissions it records.
func roundTrip(t *testing.T, a effective.Access) []effective.Permission {
	t.Helper()
	data := a.MatrixYAML()
	m, err := matrix.Parse("snap.yaml", data)
	if err != nil {
		t.Fatalf("matrix.Parse(MatrixYAML()) = %v\n%s", err, data)
	}
	snap := effective.FromMatrix(m)
	if len(snap) != 1 || snap[0].Subject.Key() != a.Subject.Key() {
		t.Fatalf("FromMatrix() = %d subjects (%v), want %s", len(snap), snap, a.Subject.Key())
	}
	return snap[0].Allowed
}

func TestMatrixYAMLCompact(t *testing.T) {
	var allowed []effective.Permission
	for _, ns := range []string{"team-a", "team-b"} {
		for _, r := range []string{"pods", "configmaps", "services"} {
			for _, v := range []string{"get", "list", "watch"} {
				allowed = append(allowed, perm(v, "", "v1", r, "", "", ns))
			}
		}
		allowed = append(allowed, perm("get", "", "v1", "pods", "log", "", ns))
	}
	allowed = append(allowed,
		perm("list", "", "v1", "pods", "", "", ""), perm("watch", "", "v1", "pods", "", "", ""),
		perm("get", "apps", "v1", "deployments", "", "", "team-a"),
		perm("impersonate", "", "v1", "users", "", "alice", ""),
		perm("bind", "rbac.authorization.k8s.io", "v1", "clusterroles", "", "", "team-b"),
		effective.Permission{Verb: "get", URL: "/healthz"}, effective.Permission{Verb: "get", URL: "/api"},
		effective.Permission{Verb: "post", URL: "/metrics"}, effective.Permission{Verb: "get", URL: "/metrics"},
	)
	a := effective.Access{Subject: matrix.Subject{ServiceAccount: "team-a/app"}, Allowed: effective.SortPermissions(slices.Clone(allowed))}
	want := `# rbac-e2e effective-access snapshot (make snapshot): ServiceAccount team-a/app.
# Every row is allowed; whatever is not listed is denied. Namespace
# rbac-e2e-elsewhere stands for every namespace not named here (no RoleBinding in
# it, so only ClusterRoleBindings grant there). Written by a sweep of
# SubjectAccessReviews; do not edit by hand.
subjects:
  - serviceAccount: team-a/app
rows:
  - verbs: [get]
    resources:
      - apps/v1/deployments
    namespaces:
      - team-a
    allowed: true
  - verbs: [bind]
    resources:
      - rbac.authorization.k8s.io/v1/clusterroles
    namespaces:
      - team-b
    allowed: true
  - verbs: [get, list, watch]
    resources:
      - v1/configmaps
      - v1/pods
      - v1/services
    namespaces:
      - team-a
      - team-b
    allowed: true
  - verbs: [list, watch]
    resources:
      - v1/pods
    allowed: true
  - verbs: [get]
    resources:
      - v1/pods
    subresource: log
    namespaces:
      - team-a
      - team-b
    allowed: true
  - verbs: [impersonate]
    resources:
      - v1/users
    name: alice
    allowed: true
  - verbs: [get]
    urls:
      - /api
      - /healthz
    allowed: true
  - verbs: [get, post]
    urls:
      - /metrics
    allowed: true
`
	got := a.MatrixYAML()
	if string(got) != want {
		t.Errorf("MatrixYAML() =\n%s\nwant\n%s", got, want)
	}
	if back := roundTrip(t, a); !slices.Equal(keysOf(back), keysOf(a.Allowed)) {
		t.Errorf("round trip:\n got %v\nwant %v", keysOf(back), keysOf(a.Allowed))
	}

	// The same access in another order gives the same bytes.
	rand.Shuffle(len(allowed), func(i, j int) { allowed[i], allowed[j] = allowed[j], allowed[i] })
	b := effective.Access{Subject: a.Subject, Allowed: allowed}
	if !bytes.Equal(b.MatrixYAML(), got) {
		t.Errorf("MatrixYAML() depends on the order of Allowed:\n%s", b.MatrixYAML())
	}
}

// Every candidate Enumerate makes can be written to a snapshot and read
// back: a snapshot is a valid fixture whatever it allows.
func TestMatrixYAMLEveryCandidate(t *testing.T) {
	candidates := effective.Enumerate(testInput())
	for _, s := range []matrix.Subject{{User: "jane@example.com", Groups: []string{"system:masters", "*weird: group"}}, {User: "system:serviceaccount:default:default"}} {
		a := effective.Access{Subject: s, Allowed: candidates}
		back := roundTrip(t, a)
		if !slices.Equal(keysOf(back), keysOf(candidates)) {
			t.Errorf("round trip of %d candidates gave %d back", len(candidates), len(back))
		}
		if n := bytes.Count(a.MatrixYAML(), []byte("\n  - verbs:")); n > 40 {
			t.Errorf("%d rows for %d candidates: not compact", n, len(candidates))
		}
	}
}

func TestMatrixYAMLNothingAllowed(t *testing.T) {
	a := effective.Access{Subject: matrix.Subject{User: "nobody"}}
	if back := roundTrip(t, a); len(back) != 0 {
		t.Errorf("round trip of no access = %v", back)
	}
}

func TestWriteSnapshot(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "snapshot")
	snap := effective.Snapshot{
		{Subject: matrix.Subject{User: "system:serviceaccount:default:default"}, Allowed: []effective.Permission{{Verb: "get", URL: "/api"}}},
		{Subject: matrix.Subject{ServiceAccount: "apitest/admin-sa"}, Allowed: []effective.Permission{perm("get", "apps", "v1", "deployments", "", "", "apitest")}},
		{Subject: effective.GroupMember("system:masters"), Allowed: []effective.Permission{perm("get", "", "v1", "secrets", "", "", "kube-system")}},
		{Subject: matrix.Subject{User: "example@example.com"}},
	}
	if err := effective.WriteSnapshot(dir, snap); err != nil {
		t.Fatal(err)
	}
	read := func() map[string][]byte {
		out := map[string][]byte{}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			out[e.Name()], _ = os.ReadFile(filepath.Join(dir, e.Name()))
		}
		return out
	}
	first := read()
	var names []string
	for n := range first {
		names = append(names, n)
	}
	slices.Sort(names)
	want := []string{
		"group.system_masters.f9b4f871.yaml",
		"serviceaccount.apitest.admin-sa.yaml",
		"user.example@example.com.yaml",
		"user.system_serviceaccount_default_default.55d38377.yaml",
	}
	if !slices.Equal(names, want) {
		t.Errorf("files = %v\nwant %v", names, want)
	}

	// Twice in a row: byte-identical.
	if err := effective.WriteSnapshot(dir, slices.Clone(snap)); err != nil {
		t.Fatal(err)
	}
	second := read()
	for n, b := range first {
		if !bytes.Equal(second[n], b) {
			t.Errorf("%s changed on the second write", n)
		}
	}

	back, err := effective.LoadSnapshot(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d := effective.Diff(snap, back); len(d) != 0 {
		t.Errorf("LoadSnapshot(WriteSnapshot(s)) differs from s: %v", d)
	}
	if len(back) != 4 {
		t.Errorf("LoadSnapshot() = %d subjects, want 4 (one allows nothing)", len(back))
	}

	// A subject gone: its file goes; a file of someone else's stays.
	other := filepath.Join(dir, "hand-written.yaml")
	if err := os.WriteFile(other, []byte("subjects: [{user: x}]\nrows: [{verbs: get, urls: /api, allowed: true}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := effective.WriteSnapshot(dir, snap[1:]); err != nil {
		t.Fatal(err)
	}
	third := read()
	if len(third) != 4 || third[names[3]] != nil || third["hand-written.yaml"] == nil {
		t.Errorf("after dropping a subject: files %v", slices.Sorted(maps.Keys(third)))
	}
}
