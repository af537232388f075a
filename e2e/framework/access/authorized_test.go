package access_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework/access"
)

func TestAuthorizedMet(t *testing.T) {
	tests := []struct {
		code int
		err  error
		want bool
	}{
		{200, nil, true}, {201, nil, true}, {400, nil, true}, {404, nil, true},
		{405, nil, true}, {409, nil, true}, {422, nil, true},
		{401, nil, false}, {403, nil, false}, {0, errors.New("connection refused"), false},
		// no verdict: the authorizer may never have been asked
		{429, nil, false}, {500, nil, false}, {503, nil, false}, {504, nil, false},
	}
	e := access.Authorized()
	for _, tt := range tests {
		o := access.Outcome{Code: tt.code, Err: tt.err}
		if got := e.Met(o); got != tt.want {
			t.Errorf("Authorized().Met(%s) = %t, want %t", o, got, tt.want)
		}
	}
	// The service proxy answers 503 after authorization when the service has
	// no endpoints (or, on 1.37, does not exist); any other 503 is no answer.
	for _, tt := range []struct {
		o    access.Outcome
		want bool
	}{
		{access.Outcome{Code: 503, Reason: metav1.StatusReasonServiceUnavailable, Message: `no endpoints available for service "rbac-e2e-gate-probe"`}, true},
		{access.Outcome{Code: 503, Reason: metav1.StatusReasonServiceUnavailable, Message: `no service port 8080 found for service "s"`}, true},
		{access.Outcome{Code: 503, Reason: metav1.StatusReasonServiceUnavailable, Message: "the server is currently unable to handle the request"}, false},
		{access.Outcome{Code: 503, Message: `no endpoints available for service "x"`}, false},
	} {
		if got := e.Met(tt.o); got != tt.want {
			t.Errorf("Authorized().Met(%s) = %t, want %t", tt.o, got, tt.want)
		}
	}
	if !e.IsAllowed() {
		t.Error("Authorized().IsAllowed() = false; the access review must be expected to allow")
	}
	if s := e.String(); s != "authorized (any answer but 401/403, 429 and 5xx)" {
		t.Errorf("String() = %q", s)
	}
}

// Both channels send dryRun=All for a dry-run request, so neither persists
// anything, and neither sends it otherwise.
func TestDryRunReachesTheServerOnBothChannels(t *testing.T) {
	srv, s := fakeAPIServer(t)
	subject := access.NewSubject("admin", "allowed")
	base := access.On("delete", "", "v1", "configmaps").In("ns-1").Named("cm")
	for _, tt := range []struct {
		name string
		req  access.Request
		want string
	}{
		{"dry run", func() access.Request { r := base; r.DryRun = true; return r }(), "All"},
		{"real", base, ""},
	} {
		for _, ch := range []access.Channel{access.NewClientGoChannel(srv.URL, caOf(srv)), newHTTPChannel(t, srv, caOf(srv))} {
			t.Run(tt.name+"/"+ch.Name(), func(t *testing.T) {
				ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
				defer cancel()
				if o := ch.Do(ctx, subject, tt.req); o.Code != 404 {
					t.Fatalf("outcome = %s, want the fake server's 404", o)
				}
				// client-go sends DeleteOptions in the body, the HTTP channel in the query.
				got := s.get()
				q, err := url.ParseQuery(got.query)
				if err != nil {
					t.Fatal(err)
				}
				dry := q.Get("dryRun")
				if strings.Contains(got.body, `"dryRun":["All"]`) {
					dry = "All"
				}
				if dry != tt.want {
					t.Errorf("server saw dryRun=%q, want %q (query %q, body %q)", dry, tt.want, got.query, got.body)
				}
			})
		}
	}
}
