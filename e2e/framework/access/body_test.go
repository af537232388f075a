package access_test

import (
	"strings"
	"testing"

	"rbac-e2e/e2e/framework/access"
)

func TestCheckerBodies(t *testing.T) {
	srv, _ := fakeAPIServer(t)
	c, err := access.NewChecker(srv.URL, caOf(srv))
	if err != nil {
		t.Fatal(err)
	}
	bodies, err := c.Bodies(t.Context(), access.NewSubject("u", "allowed"), access.Get("/api"))
	if err != nil {
		t.Fatalf("Bodies() = %v", err)
	}
	for _, ch := range []string{"client-go", "http"} {
		if !strings.Contains(string(bodies[ch]), `"kind":"APIVersions"`) {
			t.Errorf("%s body = %q, want the APIVersions", ch, bodies[ch])
		}
	}
	_, err = c.Bodies(t.Context(), access.NewSubject("u", "denied"), access.On("list", "", "v1", "namespaces"))
	if err == nil || !strings.Contains(err.Error(), "Forbidden") {
		t.Errorf("Bodies() of a denied request = %v, want an error with the server's answer", err)
	}
}
