package effective_test

import (
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"rbac-e2e/e2e/framework/effective"
	"rbac-e2e/e2e/framework/matrix"
)

func names(ps []effective.Permission) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

func TestDiff(t *testing.T) {
	sa := matrix.Subject{ServiceAccount: "team-a/app"}
	gone := matrix.Subject{User: "bob"}
	added := effective.GroupMember("system:authenticated")
	same := matrix.Subject{User: "carol"}
	getSecrets := perm("get", "", "v1", "secrets", "", "", "team-a")
	listPods := perm("list", "", "v1", "pods", "", "", "")
	healthz := effective.Permission{Verb: "get", URL: "/healthz"}
	base := effective.Snapshot{
		{Subject: sa, Allowed: []effective.Permission{listPods, healthz}},
		{Subject: gone, Allowed: []effective.Permission{healthz, listPods}},
		{Subject: same, Allowed: []effective.Permission{healthz}},
	}
	// Head names deployments at another version: not a change.
	deployV1 := perm("get", "apps", "v1", "deployments", "", "", "team-a")
	deployBeta := deployV1
	deployBeta.Version = "v1beta1"
	base[0].Allowed = append(base[0].Allowed, deployBeta)
	head := effective.Snapshot{
		{Subject: same, Allowed: []effective.Permission{healthz}},
		{Subject: added, Allowed: []effective.Permission{healthz}},
		{Subject: sa, Allowed: []effective.Permission{getSecrets, healthz, deployV1}},
	}
	got := effective.Diff(base, head)
	type want struct {
		subject      string
		gained, lost []string
	}
	wants := []want{
		{"serviceaccount:team-a/app", []string{"get secrets in namespace team-a"}, []string{"list pods at cluster scope"}},
		{"user:bob", nil, []string{"list pods at cluster scope", "get /healthz"}},
		{"user:rbac-e2e:member-of:system:authenticated groups:system:authenticated", []string{"get /healthz"}, nil},
	}
	if len(got) != len(wants) {
		t.Fatalf("Diff() = %v, want %d subjects", got, len(wants))
	}
	for i, w := range wants {
		if got[i].Subject.Key() != w.subject || !slices.Equal(names(got[i].Gained), w.gained) || !slices.Equal(names(got[i].Lost), w.lost) {
			t.Errorf("Diff()[%d] = %s +%v -%v, want %s +%v -%v", i, got[i].Subject.Key(), names(got[i].Gained), names(got[i].Lost), w.subject, w.gained, w.lost)
		}
	}
	if d := effective.Diff(head, head); len(d) != 0 {
		t.Errorf("Diff(s, s) = %v", d)
	}
}

func TestChecks(t *testing.T) {
	groups, lists := testDiscovery()
	api := effective.NewAPI(groups, lists)
	d := effective.SubjectDiff{
		Subject: matrix.Subject{ServiceAccount: "team-a/app"},
		Gained: []effective.Permission{
			perm("get", "apps", "v1beta1", "deployments", "scale", "", "team-a"), // recorded at an old version
			perm("impersonate", "", "", "users", "", "alice", ""),
		},
		Lost: []effective.Permission{
			{Verb: "get", URL: "/metrics"},
			perm("list", "gone.example.com", "v1alpha1", "widgets", "", "", ""),
		},
	}
	got := effective.Checks(d, api)
	if len(got) != 4 {
		t.Fatalf("Checks() = %d checks, want 4", len(got))
	}
	wantRes := []schema.GroupVersionResource{
		{Group: "apps", Version: "v1", Resource: "deployments"},
		{Version: "v1", Resource: "users"},
		{},
		{Group: "gone.example.com", Version: "v1alpha1", Resource: "widgets"},
	}
	wantAllowed := []bool{true, true, false, false}
	for i, c := range got {
		if c.Resource != wantRes[i] || c.Allowed != wantAllowed[i] || c.Subject.Key() != d.Subject.Key() {
			t.Errorf("Checks()[%d] = %s %v allowed=%t", i, c.Target(), c.Resource, c.Allowed)
		}
	}
	if got[0].Subresource != "scale" || got[0].Namespace != "team-a" || got[2].URL != "/metrics" || got[1].Name != "alice" {
		t.Errorf("Checks() lost fields: %+v", got)
	}
	// The gate's row machinery takes them: a special verb is judged by review alone.
	if _, why := got[1].Plan(); why == "" {
		t.Error("impersonate users alice: Plan() would send it")
	}
	if req, why := got[0].Plan(); why != "" || req.Name != matrix.ProbeName {
		t.Errorf("get deployments/scale: Plan() = %v, %q", req, why)
	}
	if e := got[2].Expectation(); e.Code != 403 {
		t.Errorf("a lost permission expects %v", e)
	}
}

func TestPermissionString(t *testing.T) {
	for _, tc := range []struct {
		p    effective.Permission
		want string
	}{
		{perm("get", "", "v1", "secrets", "", "", "team-a"), "get secrets in namespace team-a"},
		{perm("list", "apps", "v1", "deployments", "", "", ""), "list deployments.apps at cluster scope"},
		{effective.Permission{Verb: "get", URL: "/metrics"}, "get /metrics"},
		{perm("impersonate", "", "v1", "users", "", "alice", ""), "impersonate users alice at cluster scope"},
		{perm("get", "", "v1", "pods", "log", "web", "a"), "get pods/log web in namespace a"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
	a := perm("get", "", "v1", "pods", "", "a|b", "")
	b := perm("get", "", "v1", "pods", "", "a", "b")
	if a.Key() == b.Key() {
		t.Errorf("Key() of %s and %s is the same: %q", a, b, a.Key())
	}
	v2 := a
	v2.Version = "v2"
	if a.Key() != v2.Key() {
		t.Error("Key() depends on the version")
	}
	order := []effective.Permission{
		perm("get", "", "v1", "pods", "", "", ""), perm("list", "", "v1", "pods", "", "", ""), perm("delete", "", "v1", "pods", "", "", ""),
		perm("get", "", "v1", "pods", "", "", "a"), perm("get", "apps", "v1", "deployments", "", "", ""),
		{Verb: "get", URL: "/api"}, {Verb: "post", URL: "/api"},
	}
	if !slices.IsSortedFunc(order, effective.Compare) || !order[0].Less(order[1]) || order[6].Less(order[5]) {
		t.Errorf("Compare does not order %v", names(order))
	}
}

// A candidate only one side asked is no change when a broader permission
// allowed on both sides grants it.
func TestDiffCandidatesOnOneSide(t *testing.T) {
	admin := matrix.Subject{User: "admin"}
	elsewhere := perm("get", "", "v1", "secrets", "", "", effective.ElsewhereNamespace)
	impersonateAll := perm("impersonate", "", "v1", "users", "", "", "")
	madeUp := perm("create", effective.MadeUpGroup, "v1", effective.MadeUpResource, "", "", "team-b")
	anyURL := effective.Permission{Verb: "get", URL: effective.MadeUpURL}
	base := effective.Snapshot{{Subject: admin, Allowed: []effective.Permission{elsewhere, impersonateAll, madeUp, anyURL}}}
	head := effective.Snapshot{{Subject: admin, Allowed: []effective.Permission{elsewhere, impersonateAll, madeUp, anyURL,
		perm("get", "", "v1", "secrets", "", "", "team-x"),               // a new scope namespace
		perm("impersonate", "", "v1", "users", "", "alice", ""),          // a new resourceNames entry
		perm("create", "example.com", "v1", "widgets", "", "", "team-b"), // a new CRD
		{Verb: "get", URL: "/new-url"},                                   // a new nonResourceURLs entry
		perm("get", "", "v1", "configmaps", "", "", "team-x"),            // a real gain: nothing broader
		perm("impersonate", "", "v1", "groups", "", "devs", ""),          // a real gain
	}}}
	got := effective.Diff(base, head)
	want := []string{"get configmaps in namespace team-x", "impersonate groups devs at cluster scope"}
	if len(got) != 1 || !slices.Equal(names(got[0].Gained), want) || len(got[0].Lost) != 0 {
		t.Errorf("Diff() = %v, want gained %v", got, want)
	}
	if back := effective.Diff(head, base); len(back) != 1 || !slices.Equal(names(back[0].Lost), want) {
		t.Errorf("Diff(head, base) = %v, want lost %v", back, want)
	}
}
