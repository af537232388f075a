package access_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"rbac-e2e/e2e/framework/access"
)

func TestExpectationMet(t *testing.T) {
	forbidden := access.Outcome{Code: 403, Reason: metav1.StatusReasonForbidden, Message: "no"}
	tests := []struct {
		name string
		e    access.Expectation
		o    access.Outcome
		want bool
	}{
		{"allowed accepts 200", access.Allowed(), access.Outcome{Code: 200}, true},
		{"allowed accepts 201", access.Allowed(), access.Outcome{Code: 201}, true},
		{"allowed rejects 403", access.Allowed(), forbidden, false},
		{"allowed rejects no response", access.Allowed(), access.Outcome{Err: errors.New("x")}, false},
		{"forbidden accepts any message", access.Forbidden(), forbidden, true},
		{"forbidden accepts the exact message", access.Forbidden("no"), forbidden, true},
		{"forbidden rejects another message", access.Forbidden("nope"), forbidden, false},
		{"forbidden rejects another reason", access.Forbidden(), access.Outcome{Code: 403}, false},
		{"forbidden rejects 200", access.Forbidden(), access.Outcome{Code: 200}, false},
		{"status accepts its code", access.Status(404), access.Outcome{Code: 404, Reason: metav1.StatusReasonNotFound}, true},
		{"status rejects another 2xx", access.Status(200), access.Outcome{Code: 201}, false},
		{"unauthorized", access.Unauthorized(), access.Outcome{Code: 401, Reason: metav1.StatusReasonUnauthorized, Message: "Unauthorized"}, true},
		{"invalid", access.Invalid(), access.Outcome{Code: 422, Reason: metav1.StatusReasonInvalid, Message: "whatever"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Met(tt.o); got != tt.want {
				t.Errorf("%s .Met(%s) = %t, want %t", tt.e, tt.o, got, tt.want)
			}
		})
	}
}

const rawToken = "eyJhbGciOiJSUzI1NiJ9.secret-token-value"

func TestResultFailures(t *testing.T) {
	msg := "User cannot list pods"
	denied := access.Outcome{Code: 403, Reason: metav1.StatusReasonForbidden, Message: msg}
	outcomes := func(cg, h access.Outcome) []access.ChannelOutcome {
		return []access.ChannelOutcome{{Channel: "client-go", Outcome: cg}, {Channel: "http", Outcome: h}}
	}
	tests := []struct {
		name     string
		expect   access.Expectation
		outcomes []access.ChannelOutcome
		review   *access.Review
		want     []string
	}{
		{
			name: "both channels and the review agree", expect: access.Forbidden(msg),
			outcomes: outcomes(denied, denied), review: &access.Review{Allowed: false, Denied: true},
		},
		{
			name: "no review", expect: access.Forbidden(msg), outcomes: outcomes(denied, denied),
		},
		{
			name: "http misses", expect: access.Forbidden(msg), outcomes: outcomes(denied, access.Outcome{Code: 200}),
			want: []string{"http missed the expectation", "the channels disagree"},
		},
		{
			name: "client-go misses on the message alone", expect: access.Forbidden(msg),
			outcomes: outcomes(access.Outcome{Code: 403, Reason: metav1.StatusReasonForbidden, Message: "other"}, denied),
			want:     []string{"client-go missed the expectation"},
		},
		{
			name: "codes disagree though both are allowed", expect: access.Allowed(),
			outcomes: outcomes(access.Outcome{Code: 200}, access.Outcome{Code: 201}),
			want:     []string{"the channels disagree"},
		},
		{
			name: "review allows what is forbidden", expect: access.Forbidden(msg),
			outcomes: outcomes(denied, denied), review: &access.Review{Allowed: true},
			want: []string{"the access review disagrees"},
		},
		{
			name: "review denies what is allowed", expect: access.Allowed(),
			outcomes: outcomes(access.Outcome{Code: 200}, access.Outcome{Code: 200}), review: &access.Review{},
			want: []string{"the access review disagrees"},
		},
		{
			name: "review failed without an answer", expect: access.Forbidden(msg),
			outcomes: outcomes(denied, denied), review: &access.Review{Err: errors.New("boom")},
			want: []string{"review: no answer from the API server (got review failed: boom)"},
		},
		{
			name: "review refused", expect: access.Forbidden(msg),
			outcomes: outcomes(denied, denied), review: &access.Review{Err: apierrors.NewForbidden(schema.GroupResource{}, "", errors.New("no"))},
			want: []string{"the access review disagrees"},
		},
		{
			name: "a 503 is no answer, not a disagreement", expect: access.Authorized(),
			outcomes: outcomes(access.Outcome{Code: 404}, access.Outcome{Code: 503}),
			want:     []string{"http: no answer from the API server (got 503 Service Unavailable)"},
		},
		{
			name: "no response is no answer", expect: access.Allowed(),
			outcomes: outcomes(access.Outcome{Err: errors.New("dial tcp: i/o timeout")}, access.Outcome{Code: 200}),
			want:     []string{"client-go: no answer from the API server (got no response (dial tcp: i/o timeout))"},
		},
		{
			name: "a 5xx the expectation names is an answer", expect: access.Status(500),
			outcomes: outcomes(access.Outcome{Code: 500}, access.Outcome{Code: 500}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := access.Result{
				Subject: access.NewSubject("system:serviceaccount:ns-1:sa", rawToken),
				Request: access.On("list", "", "v1", "pods").In("ns-1"),
				Expect:  tt.expect, Outcomes: tt.outcomes, Review: tt.review,
			}
			if got := res.Failures(); !slices.Equal(got, tt.want) {
				t.Errorf("Failures() = %q, want %q", got, tt.want)
			}
			err := res.Err()
			if (err == nil) != (len(tt.want) == 0) {
				t.Fatalf("Err() = %v, want failures %q", err, tt.want)
			}
			if err != nil {
				for _, f := range tt.want {
					if !strings.Contains(err.Error(), f) {
						t.Errorf("Err() does not say %q:\n%v", f, err)
					}
				}
				if strings.Contains(err.Error(), rawToken) {
					t.Errorf("Err() leaks the raw token:\n%v", err)
				}
			}
		})
	}
}

func TestResultReport(t *testing.T) {
	sa := access.NewSubject("system:serviceaccount:ns-1:sa", rawToken)
	req := access.On("list", "", "v1", "namespaces")
	exp := access.Forbidden(forbiddenNamespaces)
	got := access.Outcome{Code: 200, Body: []byte(`{"kind":"NamespaceList","items":[]}`)}
	res := access.Result{
		Subject: sa, Request: req, Expect: exp,
		Outcomes: []access.ChannelOutcome{
			{Channel: "client-go", Outcome: access.Outcome{Code: 403, Reason: metav1.StatusReasonForbidden, Message: forbiddenNamespaces}},
			{Channel: "http", Outcome: got},
		},
		Review: &access.Review{Allowed: true},
	}
	report := res.Report()
	for _, want := range []string{
		sa.User, sa.TokenHash(), req.String(), exp.String(), got.String(),
		"MISMATCH", `{"kind":"NamespaceList","items":[]}`, "expected allowed=false, got allowed=true",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(report, rawToken) {
		t.Errorf("report leaks the raw token:\n%s", report)
	}
}

func TestSubjectTokenHash(t *testing.T) {
	sum := sha256.Sum256([]byte(rawToken))
	tests := []struct {
		name    string
		subject access.Subject
		want    string
	}{
		{"token", access.NewSubject("u", rawToken), "sha256:" + hex.EncodeToString(sum[:])[:12]},
		{"same token, other user", access.NewSubject("v", rawToken), "sha256:" + hex.EncodeToString(sum[:])[:12]},
		{"no token", access.NewSubject("u", ""), "none"},
		{"anonymous", access.Anonymous(), "none"},
	}
	shape := regexp.MustCompile(`^sha256:[0-9a-f]{12}$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.subject.TokenHash()
			if got != tt.want || got != tt.subject.TokenHash() {
				t.Errorf("TokenHash() = %q, want %q every time", got, tt.want)
			}
			if tt.subject.BearerToken() != "" && !shape.MatchString(got) {
				t.Errorf("TokenHash() = %q, want sha256: and 12 hex digits", got)
			}
			if s := tt.subject.String(); tt.subject.BearerToken() != "" && strings.Contains(s, tt.subject.BearerToken()) {
				t.Errorf("String() = %q leaks the token", s)
			}
		})
	}
	if a, b := access.NewSubject("u", "a").TokenHash(), access.NewSubject("u", "b").TokenHash(); a == b {
		t.Errorf("different tokens share the hash %s", a)
	}
}

func TestCheckerCheck(t *testing.T) {
	srv, _ := fakeAPIServer(t)
	tests := []struct {
		name       string
		subject    access.Subject
		expect     access.Expectation
		wantErr    string
		wantReview int64
	}{
		{"forbidden, review agrees", access.NewSubject("sa", "denied"), access.Forbidden(forbiddenNamespaces), "", 1},
		{"allowed, review agrees", access.NewSubject("admin", "allowed"), access.Allowed(), "", 1},
		{"review disagrees", access.NewSubject("sa", "lying"), access.Forbidden(forbiddenNamespaces), "the access review disagrees", 1},
		{"wrong message", access.NewSubject("sa", "denied"), access.Forbidden("other"), "client-go missed the expectation; http missed the expectation", 1},
		{"anonymous gets no review", access.Anonymous(), access.Unauthorized(), "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := access.NewChecker(srv.URL, caOf(srv))
			if err != nil {
				t.Fatal(err)
			}
			err = c.Check(t.Context(), tt.subject, access.On("list", "", "v1", "namespaces"), tt.expect)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Check() = %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Check() = %v, want an error saying %q", err, tt.wantErr)
			}
			for ch, want := range map[string]int64{"client-go": 1, "http": 1, "review": tt.wantReview} {
				if got := c.Requests[ch].Load(); got != want {
					t.Errorf("Requests[%s] = %d, want %d", ch, got, want)
				}
			}
		})
	}
}

func TestCountsAddUpAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	for p, n := range []int64{3, 4} {
		c, err := access.NewChecker("https://127.0.0.1:1", foreignCA(t))
		if err != nil {
			t.Fatal(err)
		}
		c.Requests["http"].Add(n)
		c.Requests["review"].Add(1)
		if err := c.SaveCounts(dir, p+1); err != nil {
			t.Fatal(err)
		}
	}
	got, err := access.SumCounts(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := "client-go 0, http 7, review 2"; got != want {
		t.Errorf("SumCounts = %q, want %q", got, want)
	}
}
