package access_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"rbac-e2e/e2e/framework/access"
)

// flakyServer answers each client's first spoil requests to a path with
// code (and Retry-After when retryAfter is set), then as fakeAPIServer
// would; spoil < 0 spoils every answer. It counts requests per client
// ("client-go", "http", "review") so tests see who retried what.
type flakyServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen map[string]int
}

func newFlakyServer(t *testing.T, code int, retryAfter string, spoil int) *flakyServer {
	t.Helper()
	f := &flakyServer{seen: map[string]int{}}
	f.Server = newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who := "http"
		if strings.HasPrefix(r.UserAgent(), "rbac-e2e") {
			who = "client-go"
		}
		if strings.HasSuffix(r.URL.Path, "/selfsubjectaccessreviews") {
			who = "review"
		}
		f.mu.Lock()
		f.seen[who]++
		n := f.seen[who]
		f.mu.Unlock()
		if spoil < 0 || n <= spoil {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			writeJSON(w, code, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"try again","code":`+strconv.Itoa(code)+`}`)
			return
		}
		switch {
		case who == "review":
			allowed := r.Header.Get("Authorization") == "Bearer allowed"
			body := `{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","spec":{},"status":{"allowed":false}}`
			if allowed {
				body = strings.Replace(body, "false", "true", 1)
			}
			writeJSON(w, http.StatusCreated, body)
		case r.Header.Get("Authorization") == "Bearer allowed":
			writeJSON(w, http.StatusOK, `{"kind":"NamespaceList","apiVersion":"v1","metadata":{},"items":[]}`)
		default:
			writeJSON(w, http.StatusForbidden, forbiddenStatus)
		}
	}))
	return f
}

func (f *flakyServer) requests(who string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seen[who]
}

var listNamespaces = access.On("list", "", "v1", "namespaces")

// Both channels, and the review, retry a 503 or 429 until the answer comes,
// honouring Retry-After; client-go does not retry on its own (the server
// sees exactly as many requests as the Checker made).
func TestRetriesUntilAnswered(t *testing.T) {
	for _, tt := range []struct {
		name       string
		code       int
		retryAfter string
		spoil      int
		subject    access.Subject
		expect     access.Expectation
		minTook    time.Duration
	}{
		{"503 without Retry-After, then 200", 503, "", 2, access.NewSubject("admin", "allowed"), access.Allowed(), 0},
		{"429 with Retry-After 1, then 403", 429, "1", 1, access.NewSubject(defaultUser, "denied"), access.DeniedByRBAC(defaultUser, listNamespaces), time.Second},
		{"503 with Retry-After 0, then 403", 503, "0", 3, access.NewSubject(defaultUser, "denied"), access.DeniedByRBAC(defaultUser, listNamespaces), 0},
		{"500, then authorized", 500, "", 1, access.NewSubject("admin", "allowed"), access.Authorized(), 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFlakyServer(t, tt.code, tt.retryAfter, tt.spoil)
			c, err := access.NewChecker(srv.URL, caOf(srv.Server))
			if err != nil {
				t.Fatal(err)
			}
			c.NoAnswerTimeout = 10 * time.Second
			res := c.Do(t.Context(), tt.subject, listNamespaces, tt.expect)
			if err := res.Err(); err != nil {
				t.Fatalf("Check: %v", err)
			}
			want := tt.spoil + 1
			for _, o := range res.Outcomes {
				if o.Tries.N != want || srv.requests(o.Channel) != want || c.Requests[o.Channel].Load() != int64(want) {
					t.Errorf("%s: %s, server saw %d, counted %d; want %d each", o.Channel, o.Tries, srv.requests(o.Channel), c.Requests[o.Channel].Load(), want)
				}
				if o.Tries.Took < tt.minTook {
					t.Errorf("%s took %s, want at least the Retry-After %s", o.Channel, o.Tries.Took, tt.minTook)
				}
			}
			if rv := res.Review; rv == nil || rv.Tries.N != want || srv.requests("review") != want {
				t.Errorf("review: %+v, server saw %d; want %d tries", rv, srv.requests("review"), want)
			}
			if !strings.Contains(res.Report(), "ok after ") {
				t.Errorf("the report does not say the answer came after retries:\n%s", res.Report())
			}
		})
	}
}

// A server that never gives a verdict fails the check as "no answer" on
// every channel and the review, within the bound, naming channel, request,
// expected and got; never as allowed.
func TestNoAnswerFails(t *testing.T) {
	for _, tt := range []struct {
		name       string
		code       int
		retryAfter string
		got        string
	}{
		{"503 with a long Retry-After", 503, "3600", "got 503 Service Unavailable"},
		{"429 without Retry-After", 429, "", "got 429 Too Many Requests"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFlakyServer(t, tt.code, tt.retryAfter, -1)
			c, err := access.NewChecker(srv.URL, caOf(srv.Server))
			if err != nil {
				t.Fatal(err)
			}
			c.NoAnswerTimeout, c.MaxRetryAfter = time.Second, 300*time.Millisecond
			start := time.Now()
			res := c.Do(t.Context(), access.NewSubject("admin", "allowed"), listNamespaces, access.Authorized())
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %s; the bound is 1 s per channel and review", took)
			}
			err = res.Err()
			if err == nil {
				t.Fatal("a server that only answers " + tt.got + " passed the check")
			}
			msg := err.Error()
			t.Logf("the failure:\n%s", msg)
			for _, want := range []string{
				"client-go: no answer from the API server (" + tt.got, "http: no answer from the API server (" + tt.got,
				"review: no answer from the API server", "tries in 1.", listNamespaces.String(), access.Authorized().String(), "[NO ANSWER after ",
			} {
				if !strings.Contains(msg, want) {
					t.Errorf("the failure does not say %q", want)
				}
			}
			for _, not := range []string{"missed the expectation", "disagree"} {
				if strings.Contains(msg, not) {
					t.Errorf("the failure says %q; no answer is neither", not)
				}
			}
			// the same loop for both: the same number of tries, give or take
			// the one a slower first try leaves no time for
			if cg, h := srv.requests("client-go"), srv.requests("http"); cg < 2 || h < 2 || cg-h > 1 || h-cg > 1 {
				t.Errorf("client-go sent %d, http %d; want the same retries on both", cg, h)
			}
		})
	}
}

// A server that does not respond in time is no answer either.
func TestNoResponseIsNoAnswer(t *testing.T) {
	done := make(chan struct{})
	srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(func() { close(done) }) // before the server closes
	c, err := access.NewChecker(srv.URL, caOf(srv))
	if err != nil {
		t.Fatal(err)
	}
	c.NoAnswerTimeout = 300 * time.Millisecond
	res := c.Do(t.Context(), access.NewSubject("admin", "allowed"), listNamespaces, access.Allowed())
	fails := strings.Join(res.Failures(), "; ")
	for _, want := range []string{"client-go: no answer from the API server (got no response", "http: no answer from the API server (got no response", "review: no answer"} {
		if !strings.Contains(fails, want) {
			t.Errorf("Failures() = %s; want %q", fails, want)
		}
	}
}

func TestReviewOnly(t *testing.T) {
	const why = "review only: sending it could change the server"
	for _, tt := range []struct {
		name     string
		spoil    int
		subject  access.Subject
		expect   access.Expectation
		wantFail string
	}{
		{"review agrees", 0, access.NewSubject("admin", "allowed"), access.Allowed(), ""},
		{"review agrees after a 503", 1, access.NewSubject(defaultUser, "denied"), access.DeniedByRBAC(defaultUser, listNamespaces), ""},
		{"review disagrees", 0, access.NewSubject(defaultUser, "denied"), access.Allowed(), "the access review disagrees"},
		{"review never answers", -1, access.NewSubject("admin", "allowed"), access.Allowed(), "review: no answer from the API server (got review failed: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFlakyServer(t, 503, "", tt.spoil)
			c, err := access.NewChecker(srv.URL, caOf(srv.Server))
			if err != nil {
				t.Fatal(err)
			}
			c.NoAnswerTimeout = time.Second
			res := c.ReviewOnly(t.Context(), tt.subject, listNamespaces, tt.expect, why)
			fails := strings.Join(res.Failures(), "; ")
			if (fails == "") != (tt.wantFail == "") || !strings.Contains(fails, tt.wantFail) {
				t.Errorf("Failures() = %q, want %q", fails, tt.wantFail)
			}
			if srv.requests("client-go") != 0 || srv.requests("http") != 0 {
				t.Errorf("sent %d through client-go, %d through http; want nothing", srv.requests("client-go"), srv.requests("http"))
			}
			report := res.Report()
			if !strings.Contains(report, "  review only: "+why+"\n") || strings.Contains(report, "client-go:") || strings.Contains(report, "http:") {
				t.Errorf("report:\n%s\nwant the reason instead of channel lines", report)
			}
		})
	}
	if fails := (access.Result{ReviewOnly: why, Expect: access.Allowed()}).Failures(); len(fails) == 0 {
		t.Error("a review-only result without a review passed")
	}
}

const jwtLike = "eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6bnM6c2EifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"

func TestReportAndBodiesRedact(t *testing.T) {
	leaky := access.Outcome{Code: 500, Message: "token " + jwtLike, Body: []byte(`{"token":"` + jwtLike + `"}`)}
	res := access.Result{
		Subject: access.NewSubject("u", "t"), Request: listNamespaces, Expect: access.Allowed(),
		Outcomes: []access.ChannelOutcome{{Channel: "client-go", Outcome: leaky}, {Channel: "http", Outcome: leaky}},
		Review:   &access.Review{Err: errors.New("review said " + jwtLike)},
	}
	for what, text := range map[string]string{"Report": res.Report(), "Failures": strings.Join(res.Failures(), "; ")} {
		if strings.Contains(text, jwtLike) || !strings.Contains(text, "[REDACTED]") {
			t.Errorf("%s does not redact the token:\n%s", what, text)
		}
	}

	srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusForbidden, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,"message":"nope `+jwtLike+`"}`)
	}))
	c, err := access.NewChecker(srv.URL, caOf(srv))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Bodies(t.Context(), access.NewSubject("u", "t"), access.Get("/api/v1/namespaces/ns/secrets/s"))
	if err == nil || strings.Contains(err.Error(), jwtLike) || !strings.Contains(err.Error(), "[REDACTED]") {
		t.Errorf("Bodies() = %v; want an error with the token redacted", err)
	}
	if !apierrors.IsForbidden(err) {
		t.Errorf("Bodies() error %v does not unwrap to the 403", err)
	}
}
