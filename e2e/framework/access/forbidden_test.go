package access_test

import (
	"fmt"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework/access"
)

func TestForbiddenMessage(t *testing.T) {
	const u = "system:serviceaccount:ns-1:default"
	tests := []struct {
		name string
		req  access.Request
		want string
	}{
		{"list at cluster scope", access.On("list", "", "v1", "namespaces"),
			`namespaces is forbidden: User "` + u + `" cannot list resource "namespaces" in API group "" at the cluster scope`},
		{"named get in a namespace", access.On("get", "apps", "v1", "deployments").In("ns-1").Named("d"),
			`deployments.apps "d" is forbidden: User "` + u + `" cannot get resource "deployments" in API group "apps" in the namespace "ns-1"`},
		{"create names no object", access.On("create", "", "v1", "pods").In("ns-1").Named("p"),
			`pods is forbidden: User "` + u + `" cannot create resource "pods" in API group "" in the namespace "ns-1"`},
		{"subresource", access.On("get", "", "v1", "pods").In("ns-1").Named("p").Sub("log"),
			`pods "p" is forbidden: User "` + u + `" cannot get resource "pods/log" in API group "" in the namespace "ns-1"`},
		{"non-resource URL", access.Get("/metrics"),
			`forbidden: User "` + u + `" cannot get path "/metrics"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := access.ForbiddenMessage(u, tt.req); got != tt.want {
				t.Errorf("ForbiddenMessage() =\n  %s\nwant\n  %s", got, tt.want)
			}
		})
	}
}

func TestForbiddenContainingAndAfterAuthorization(t *testing.T) {
	escalation := access.Outcome{Code: 403, Reason: metav1.StatusReasonForbidden,
		Message: `clusterroles.rbac.authorization.k8s.io "r" is forbidden: user "u" (groups=["g"]) is attempting to grant RBAC permissions not currently held:` + "\n{...}"}
	part := "is attempting to grant RBAC permissions not currently held"
	tests := []struct {
		name string
		e    access.Expectation
		o    access.Outcome
		want bool
	}{
		{"containing accepts the part", access.ForbiddenContaining(part), escalation, true},
		{"containing rejects another message", access.ForbiddenContaining("cannot impersonate"), escalation, false},
		{"containing rejects 201", access.ForbiddenContaining(part), access.Outcome{Code: 201}, false},
		{"after authorization accepts the part", access.RefusedAfterAuthorization(part), escalation, true},
		{"after authorization rejects a 403 of another kind", access.RefusedAfterAuthorization(part),
			access.Outcome{Code: 403, Reason: metav1.StatusReasonForbidden, Message: "User cannot create"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Met(tt.o); got != tt.want {
				t.Errorf("%s .Met(%s) = %t, want %t", tt.e, tt.o, got, tt.want)
			}
		})
	}

	// The access review answers for the authorizer: it allows what is refused
	// after authorization, and must deny a plain 403.
	outcomes := []access.ChannelOutcome{{Channel: "client-go", Outcome: escalation}, {Channel: "http", Outcome: escalation}}
	for _, tt := range []struct {
		name     string
		e        access.Expectation
		review   access.Review
		wantFail bool
	}{
		{"refused after authorization, review allows", access.RefusedAfterAuthorization(part), access.Review{Allowed: true}, false},
		{"refused after authorization, review denies", access.RefusedAfterAuthorization(part), access.Review{Denied: true}, true},
		{"plain forbidden, review allows", access.ForbiddenContaining(part), access.Review{Allowed: true}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rv := tt.review
			res := access.Result{Subject: access.NewSubject("u", "t"), Request: access.On("create", "rbac.authorization.k8s.io", "v1", "clusterroles"),
				Expect: tt.e, Outcomes: outcomes, Review: &rv}
			if failed := len(res.Failures()) > 0; failed != tt.wantFail {
				t.Errorf("Failures() = %q, want failure %t", res.Failures(), tt.wantFail)
			}
		})
	}
}

func TestDeniedByRBAC(t *testing.T) {
	const u = "system:serviceaccount:ns-1:default"
	list := access.On("list", "", "v1", "pods").In("ns-1")
	rbac := `User "` + u + `" cannot list resource "pods" in API group "" in the namespace "ns-1"`
	denied := func(msg string) access.Outcome {
		return access.Outcome{Code: 403, Reason: metav1.StatusReasonForbidden, Message: msg}
	}
	e := access.DeniedByRBAC(u, list)
	tests := []struct {
		name string
		o    access.Outcome
		want bool
	}{
		{"the apiserver's message", denied("pods is forbidden: " + rbac), true},
		{"extended by another authorizer", denied("pods is forbidden: " + rbac + `: RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found`), true},
		{"a webhook's reason after it", denied("pods is forbidden: " + rbac + ": denied by the policy webhook"), true},
		{"another user", denied(`pods is forbidden: User "system:serviceaccount:ns-1:other" cannot list resource "pods" in API group "" in the namespace "ns-1"`), false},
		{"another verb", denied(`pods is forbidden: User "` + u + `" cannot watch resource "pods" in API group "" in the namespace "ns-1"`), false},
		{"another namespace", denied(`pods is forbidden: User "` + u + `" cannot list resource "pods" in API group "" in the namespace "ns-10"`), false},
		{"another resource", denied(`pods is forbidden: User "` + u + `" cannot list resource "pods/log" in API group "" in the namespace "ns-1"`), false},
		{"not RBAC's words", denied("pods is forbidden: access denied"), false},
		{"another reason", access.Outcome{Code: 403, Message: "pods is forbidden: " + rbac}, false},
		{"allowed", access.Outcome{Code: 200}, false},
		{"unauthorized", access.Outcome{Code: 401, Reason: metav1.StatusReasonUnauthorized, Message: "Unauthorized"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.Met(tt.o); got != tt.want {
				t.Errorf("%s .Met(%s) = %t, want %t", e, tt.o, got, tt.want)
			}
		})
	}
	if s := e.String(); !strings.HasPrefix(s, "denied by RBAC: 403 Forbidden") || !strings.Contains(s, fmt.Sprintf("%q", rbac)) {
		t.Errorf("String() = %q", s)
	}
	if e.IsAllowed() {
		t.Error("DeniedByRBAC().IsAllowed() = true")
	}
	// The access review must deny it.
	res := access.Result{Subject: access.NewSubject(u, "t"), Request: list, Expect: e,
		Outcomes: []access.ChannelOutcome{{Channel: "client-go", Outcome: denied(rbac)}, {Channel: "http", Outcome: denied(rbac)}},
		Review:   &access.Review{Allowed: true}}
	if fails := res.Failures(); len(fails) != 1 || fails[0] != "the access review disagrees" {
		t.Errorf("Failures() = %q, want the review to disagree", fails)
	}
}
