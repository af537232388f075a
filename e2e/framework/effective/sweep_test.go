package effective_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"rbac-e2e/e2e/framework/effective"
	"rbac-e2e/e2e/framework/manifest"
	"rbac-e2e/e2e/framework/matrix"
)

func TestUserInfo(t *testing.T) {
	for _, tc := range []struct {
		s      matrix.Subject
		user   string
		groups []string
	}{
		{matrix.Subject{ServiceAccount: "team-a/app"}, "system:serviceaccount:team-a:app", []string{"system:serviceaccounts", "system:serviceaccounts:team-a", "system:authenticated"}},
		{matrix.Subject{User: "alice"}, "alice", []string{"system:authenticated"}},
		{matrix.Subject{User: "jane", Groups: []string{"system:masters"}}, "jane", []string{"system:masters", "system:authenticated"}},
		{matrix.Subject{User: "system:serviceaccount:default:default"}, "system:serviceaccount:default:default", []string{"system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"}},
		{matrix.Subject{User: "system:serviceaccount:default:default", Groups: []string{"g"}}, "system:serviceaccount:default:default", []string{"g", "system:authenticated"}},
		{matrix.Subject{User: "system:anonymous"}, "system:anonymous", []string{"system:unauthenticated"}},
		{effective.GroupMember("system:unauthenticated"), "rbac-e2e:member-of:system:unauthenticated", []string{"system:unauthenticated"}},
		{effective.GroupMember("devs"), "rbac-e2e:member-of:devs", []string{"devs", "system:authenticated"}},
	} {
		user, groups := effective.UserInfo(tc.s)
		if user != tc.user || !slices.Equal(groups, tc.groups) {
			t.Errorf("UserInfo(%s) = %s %v, want %s %v", tc.s, user, groups, tc.user, tc.groups)
		}
	}
}

func TestSubjectsOf(t *testing.T) {
	objs, err := manifest.Parse("m.yaml", []byte(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {kind: ServiceAccount, name: app, namespace: team-a}
  - {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
  - {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: team-b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects:
  - {kind: ServiceAccount, name: builder}
  - {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: unbound, namespace: team-a}
`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := matrix.Parse("f.yaml", []byte("subjects: [{serviceAccount: team-a/app}, {user: jane, groups: [system:masters]}]\nrows: [{verbs: get, urls: /api, allowed: true}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	client := fake.NewClientset(
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: "team-c"}},
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "ci", Namespace: "team-c"}},
	)
	got, err := effective.SubjectsOf(context.Background(), objs, m, []string{"team-c"}, client)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, s := range got {
		keys = append(keys, s.Key())
	}
	want := []string{
		"serviceaccount:team-a/app",
		"serviceaccount:team-b/builder",
		"serviceaccount:team-c/ci",
		"serviceaccount:team-c/default",
		"user:alice",
		"user:jane groups:system:masters",
		"user:rbac-e2e:member-of:devs groups:devs",
	}
	if !slices.Equal(keys, want) {
		t.Errorf("SubjectsOf() =\n%v\nwant\n%v", keys, want)
	}
	if _, err := effective.SubjectsOf(context.Background(), nil, nil, []string{"x"}, nil); err == nil {
		t.Error("SubjectsOf() without a client for ServiceAccount namespaces = nil error")
	}
}

// fakeAuthorizer answers SubjectAccessReviews like a tiny RBAC: alice may
// get secrets in team-a and get /healthz; system:masters may do anything.
type fakeAuthorizer struct {
	mu       sync.Mutex
	seen     []authorizationv1.SubjectAccessReviewSpec
	failOnce map[string]bool // a 429 the first time a (user, verb) is asked
	reject   string          // a verb answered with 400
}

func (f *fakeAuthorizer) react(action k8stesting.Action) (bool, runtime.Object, error) {
	sar := action.(k8stesting.CreateAction).GetObject().(*authorizationv1.SubjectAccessReview)
	spec := sar.Spec
	f.mu.Lock()
	f.seen = append(f.seen, spec)
	verb := ""
	if spec.ResourceAttributes != nil {
		verb = spec.ResourceAttributes.Verb
	} else {
		verb = spec.NonResourceAttributes.Verb
	}
	k := spec.User + " " + verb
	if f.failOnce[k] {
		delete(f.failOnce, k)
		f.mu.Unlock()
		return true, nil, apierrors.NewTooManyRequests("slow down", 0)
	}
	f.mu.Unlock()
	if verb == f.reject && f.reject != "" {
		return true, nil, apierrors.NewBadRequest("no such verb")
	}
	allowed := slices.Contains(spec.Groups, "system:masters")
	if spec.User == "alice" {
		if r := spec.ResourceAttributes; r != nil {
			allowed = r.Verb == "get" && r.Resource == "secrets" && r.Namespace == "team-a"
		} else {
			allowed = spec.NonResourceAttributes.Path == "/healthz" && spec.NonResourceAttributes.Verb == "get"
		}
	}
	sar.Status.Allowed = allowed
	return true, sar, nil
}

func fakeClient(f *fakeAuthorizer) *fake.Clientset {
	c := fake.NewClientset()
	c.PrependReactor("create", "subjectaccessreviews", f.react)
	return c
}

func TestSweep(t *testing.T) {
	f := &fakeAuthorizer{failOnce: map[string]bool{"alice get": true}}
	candidates := []effective.Permission{
		perm("get", "", "v1", "secrets", "", "", "team-a"),
		perm("get", "", "v1", "secrets", "", "", "team-b"),
		perm("list", "", "v1", "secrets", "", "", ""),
		perm("patch", "", "v1", "namespaces", "", "team-a", ""),
		{Verb: "get", URL: "/healthz"},
		{Verb: "post", URL: "/healthz"},
	}
	subjects := []matrix.Subject{{User: "jane", Groups: []string{"system:masters"}}, {User: "alice"}, {ServiceAccount: "team-a/app"}, {User: "alice"}}
	snap, stats, err := effective.Sweep(context.Background(), effective.SweepInput{Client: fakeClient(f), Subjects: subjects, Candidates: candidates, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Subjects != 3 || stats.Reviews != 18 || stats.Retried != 1 || stats.Allowed != 8 || stats.PerSecond() <= 0 {
		t.Errorf("stats = %+v (%s)", stats, stats)
	}
	var keys []string
	for _, a := range snap {
		keys = append(keys, a.Subject.Key())
	}
	if !slices.Equal(keys, []string{"serviceaccount:team-a/app", "user:alice", "user:jane groups:system:masters"}) {
		t.Errorf("snapshot subjects = %v", keys)
	}
	if got := names(snap[1].Allowed); !slices.Equal(got, []string{"get secrets in namespace team-a", "get /healthz"}) {
		t.Errorf("alice may %v", got)
	}
	if len(snap[0].Allowed) != 0 || len(snap[2].Allowed) != len(candidates) {
		t.Errorf("app may %v, jane %v", names(snap[0].Allowed), names(snap[2].Allowed))
	}
	// What the API server was asked: groups as it gives them; a namespace
	// is authorized in itself; URLs by lowercase method.
	for _, spec := range f.seen {
		if spec.User == "system:serviceaccount:team-a:app" && !slices.Equal(spec.Groups, []string{"system:serviceaccounts", "system:serviceaccounts:team-a", "system:authenticated"}) {
			t.Errorf("groups of the ServiceAccount: %v", spec.Groups)
		}
		if r := spec.ResourceAttributes; r != nil && r.Resource == "namespaces" && (r.Namespace != "team-a" || r.Name != "team-a") {
			t.Errorf("patch namespaces team-a asked as %+v", r)
		}
		if n := spec.NonResourceAttributes; n != nil && n.Verb != "get" && n.Verb != "post" {
			t.Errorf("URL verb %q", n.Verb)
		}
	}
}

func TestSweepErrorsNameSubjectAndPermission(t *testing.T) {
	f := &fakeAuthorizer{reject: "list"}
	candidates := []effective.Permission{perm("list", "", "v1", "secrets", "", "", ""), {Verb: "get", URL: "/healthz"}}
	snap, stats, err := effective.Sweep(context.Background(), effective.SweepInput{Client: fakeClient(f), Subjects: []matrix.Subject{{User: "alice"}}, Candidates: candidates})
	if err == nil {
		t.Fatal("Sweep() = nil error")
	}
	msg := err.Error()
	for _, want := range []string{"1 of 2 reviews failed", "user alice: list secrets at cluster scope: after 1 try:", "no such verb"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if stats.Reviews != 1 || len(snap) != 1 || len(snap[0].Allowed) != 1 {
		t.Errorf("stats %+v, snapshot %v", stats, snap)
	}
	t.Logf("the error reads:\n%v", err)
}

func TestSweepRetriesWithinBound(t *testing.T) {
	c := fake.NewClientset()
	calls := 0
	var mu sync.Mutex
	c.PrependReactor("create", "subjectaccessreviews", func(k8stesting.Action) (bool, runtime.Object, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		return true, nil, apierrors.NewServiceUnavailable("etcd is away")
	})
	_, _, err := effective.Sweep(context.Background(), effective.SweepInput{Client: c, Subjects: []matrix.Subject{{User: "alice"}},
		Candidates: []effective.Permission{{Verb: "get", URL: "/healthz"}}, Tries: 3})
	if err == nil || calls != 3 || !strings.Contains(err.Error(), "after 3 tries") {
		t.Errorf("Sweep() = %v after %d calls, want an error after 3", err, calls)
	}
}

// With RoleBindings, a subject's candidates in namespaces nothing binds it
// in are answered from ElsewhereNamespace, and the snapshot is the same as
// asking everything.
func TestSweepInfersUnboundNamespaces(t *testing.T) {
	react := func(action k8stesting.Action) (bool, runtime.Object, error) {
		sar := action.(k8stesting.CreateAction).GetObject().(*authorizationv1.SubjectAccessReview)
		r := sar.Spec.ResourceAttributes
		// ClusterRoleBinding: devs get configmaps everywhere; RoleBinding
		// in team-a: alice gets secrets there.
		sar.Status.Allowed = r != nil && ((r.Resource == "configmaps" && slices.Contains(sar.Spec.Groups, "devs")) ||
			(sar.Spec.User == "alice" && r.Resource == "secrets" && r.Namespace == "team-a"))
		return true, sar, nil
	}
	client := fake.NewClientset()
	client.PrependReactor("create", "subjectaccessreviews", react)
	var candidates []effective.Permission
	for _, ns := range []string{"team-a", "team-b", effective.ElsewhereNamespace} {
		candidates = append(candidates, perm("get", "", "v1", "secrets", "", "", ns), perm("get", "", "v1", "configmaps", "", "", ns))
	}
	candidates = append(candidates, perm("get", "", "v1", "configmaps", "", "only-in-a-role", "team-b"), perm("list", "", "v1", "configmaps", "", "", ""))
	subjects := []matrix.Subject{{User: "alice"}, effective.GroupMember("devs")}
	bindings := []rbacv1.RoleBinding{{ObjectMeta: metav1.ObjectMeta{Name: "rb", Namespace: "team-a"}, Subjects: []rbacv1.Subject{{Kind: "User", Name: "alice"}}}}
	exact, _, err := effective.Sweep(context.Background(), effective.SweepInput{Client: client, Subjects: subjects, Candidates: candidates})
	if err != nil {
		t.Fatal(err)
	}
	inferred, stats, err := effective.Sweep(context.Background(), effective.SweepInput{Client: client, Subjects: subjects, Candidates: candidates, RoleBindings: bindings})
	if err != nil {
		t.Fatal(err)
	}
	if d := effective.Diff(exact, inferred); len(d) != 0 {
		t.Errorf("inferred sweep differs: %v", d)
	}
	// alice: team-b's two; devs: team-a's and team-b's two each.
	if stats.Inferred != 6 || stats.Reviews != 2*len(candidates)-6 {
		t.Errorf("stats = %s", stats)
	}
	bindings = append(bindings, rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "x", Namespace: effective.ElsewhereNamespace}})
	if _, _, err := effective.Sweep(context.Background(), effective.SweepInput{Client: client, Subjects: subjects, Candidates: candidates, RoleBindings: bindings}); err == nil {
		t.Error("Sweep() with a RoleBinding in the elsewhere namespace = nil error")
	}
}

func TestBoundNamespaces(t *testing.T) {
	bindings := []rbacv1.RoleBinding{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "a"}, Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "app"}}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "b"}, Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "app", Namespace: "a"}}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "c"}, Subjects: []rbacv1.Subject{{Kind: "Group", Name: "system:serviceaccounts:a"}}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "d"}, Subjects: []rbacv1.Subject{{Kind: "User", Name: "system:serviceaccount:a:app"}}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "e"}, Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "other"}, {Kind: "User", Name: "alice"}}},
	}
	user, groups := effective.UserInfo(matrix.Subject{ServiceAccount: "a/app"})
	got := effective.BoundNamespaces(user, groups, bindings)
	if want := map[string]bool{"a": true, "b": true, "c": true, "d": true}; !maps.Equal(got, want) {
		t.Errorf("BoundNamespaces() = %v, want %v", got, want)
	}
}
