package access_test

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"rbac-e2e/e2e/framework/access"
)

const defaultUser = "system:serviceaccount:ns-1:default"

// impersonationServer imitates the apiserver's impersonation filter: the
// token "admin" may impersonate anyone, "plain" no one (403 on every
// request it makes as someone else, access reviews included). Acting as
// itself, "admin" may list namespaces; acting as the default ServiceAccount
// it may not, and the access review made as that account says so.
type impersonationServer struct {
	mu   sync.Mutex
	seen []http.Header // the headers of every request, in order
}

func (s *impersonationServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.seen = append(s.seen, r.Header.Clone())
	s.mu.Unlock()
	as := r.Header.Get("Impersonate-User")
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	switch {
	case as != "" && token != "admin":
		writeJSON(w, http.StatusForbidden, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,`+
			`"message":"users \"`+as+`\" is forbidden: User \"plain\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope"}`)
	case r.URL.Path == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews":
		allowed := "false"
		if as == "" {
			allowed = "true"
		}
		writeJSON(w, http.StatusCreated, `{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","status":{"allowed":`+allowed+`}}`)
	case r.URL.Path == "/api/v1/namespaces" && as == "":
		writeJSON(w, http.StatusOK, `{"kind":"NamespaceList","apiVersion":"v1","metadata":{},"items":[]}`)
	case r.URL.Path == "/api/v1/namespaces":
		writeJSON(w, http.StatusForbidden, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,`+
			`"message":"namespaces is forbidden: User \"`+as+`\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope"}`)
	default:
		writeJSON(w, http.StatusNotFound, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}`)
	}
}

func (s *impersonationServer) since(n int) []http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.seen[n:])
}

func (s *impersonationServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seen)
}

func TestImpersonation(t *testing.T) {
	fake := &impersonationServer{}
	srv := newTLSServer(t, fake)
	c, err := access.NewChecker(srv.URL, caOf(srv))
	if err != nil {
		t.Fatal(err)
	}
	list := access.On("list", "", "v1", "namespaces")
	admin := access.NewSubject("admin", "admin")
	asDefault := admin.Impersonating(defaultUser, "team-a", "team-b")

	tests := []struct {
		name        string
		subject     access.Subject
		expect      access.Expectation
		wantUser    string   // Impersonate-User on every request, review included
		wantGroups  []string // Impersonate-Group values
		wantReview  string   // what the review's report says
		wantFailure string   // "" when the check must pass
	}{
		{
			name: "the admin itself", subject: admin, expect: access.Allowed(),
			wantReview: "allowed=true",
		},
		{
			name: "the admin as the default ServiceAccount gets its 403", subject: asDefault,
			expect:   access.Forbidden(`namespaces is forbidden: User "` + defaultUser + `" cannot list resource "namespaces" in API group "" at the cluster scope`),
			wantUser: defaultUser, wantGroups: []string{"team-a", "team-b"}, wantReview: "allowed=false",
		},
		{
			name: "the admin's own token again: no impersonation left over", subject: admin, expect: access.Allowed(),
			wantReview: "allowed=true",
		},
		{
			name: "no impersonate verb", subject: access.NewSubject("plain", "plain").Impersonating("admin"),
			expect:   access.ForbiddenContaining(`User "plain" cannot impersonate`),
			wantUser: "admin", wantReview: "impersonation refused",
		},
		{
			name: "a review that the impersonated user is allowed fails the check", subject: asDefault,
			expect: access.Allowed(), wantUser: defaultUser, wantGroups: []string{"team-a", "team-b"},
			wantReview: "allowed=false", wantFailure: "the access review disagrees",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fake.count()
			res := c.Do(t.Context(), tt.subject, list, tt.expect)
			err := res.Err()
			switch {
			case tt.wantFailure == "" && err != nil:
				t.Fatalf("Check: %v", err)
			case tt.wantFailure != "" && (err == nil || !strings.Contains(err.Error(), tt.wantFailure)):
				t.Fatalf("Check = %v, want a failure saying %q", err, tt.wantFailure)
			}
			if res.Review == nil || !strings.Contains(res.Review.String(), tt.wantReview) {
				t.Errorf("review = %v, want it to say %q", res.Review, tt.wantReview)
			}
			seen := fake.since(before)
			if len(seen) != 3 {
				t.Fatalf("server saw %d requests, want client-go, http and the review", len(seen))
			}
			for i, h := range seen {
				if got := h.Get("Impersonate-User"); got != tt.wantUser {
					t.Errorf("request %d: Impersonate-User = %q, want %q", i, got, tt.wantUser)
				}
				if got := h.Values("Impersonate-Group"); !slices.Equal(got, tt.wantGroups) {
					t.Errorf("request %d: Impersonate-Group = %q, want %q", i, got, tt.wantGroups)
				}
			}
		})
	}
}

func TestImpersonatingSubject(t *testing.T) {
	plain := access.NewSubject("plain", rawToken)
	as := plain.Impersonating(defaultUser, "g")
	if _, ok := plain.Impersonated(); ok {
		t.Error("Impersonating changed the subject it was called on")
	}
	got, ok := as.Impersonated()
	if !ok || got.User != defaultUser || !slices.Equal(got.Groups, []string{"g"}) {
		t.Errorf("Impersonated() = %+v, %t", got, ok)
	}
	if as.BearerToken() != rawToken || as.User != "plain" {
		t.Error("Impersonating changed the subject's own credentials")
	}
	s := as.String()
	if !strings.Contains(s, "impersonating "+defaultUser) || !strings.Contains(s, as.TokenHash()) || strings.Contains(s, rawToken) {
		t.Errorf("String() = %q, want the user, the token hash, whom it impersonates, and never the token", s)
	}
}
