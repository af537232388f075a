package access_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework/access"
)

const unauthorizedStatus = `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}`

// fakeAPIServer imitates the API server just enough: the token "denied" may
// not list namespaces, "allowed" may, no token is Unauthorized; /api answers
// everyone; watches of pods stream until the client leaves. Access reviews
// answer allowed=true for "allowed" and "lying", false otherwise.
func fakeAPIServer(t *testing.T) (*httptest.Server, *seen) {
	var s seen
	watch := watchHandler(t)
	srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.record(r)
		auth := r.Header.Get("Authorization")
		switch {
		case r.Method == "GET" && r.URL.Path == "/api":
			writeJSON(w, http.StatusOK, `{"kind":"APIVersions","versions":["v1"]}`)
		case r.Method == "POST" && r.URL.Path == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews":
			allowed := auth == "Bearer allowed" || auth == "Bearer lying"
			body := `{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","spec":{},"status":{"allowed":false}}`
			if allowed {
				body = strings.Replace(body, "false", "true", 1)
			}
			writeJSON(w, http.StatusCreated, body)
		case r.Method == "GET" && r.URL.Path == "/api/v1/namespaces":
			switch auth {
			case "":
				writeJSON(w, http.StatusUnauthorized, unauthorizedStatus)
			case "Bearer allowed":
				writeJSON(w, http.StatusOK, `{"kind":"NamespaceList","apiVersion":"v1","metadata":{},"items":[]}`)
			default:
				writeJSON(w, http.StatusForbidden, forbiddenStatus)
			}
		case r.Method == "GET" && r.URL.Path == "/api/v1/pods":
			watch.ServeHTTP(w, r)
		default:
			writeJSON(w, http.StatusNotFound, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"not found","reason":"NotFound","code":404}`)
		}
	}))
	return srv, &s
}

func TestClientGoChannel(t *testing.T) {
	srv, s := fakeAPIServer(t)
	tests := []struct {
		name        string
		ca          []byte
		subject     access.Subject
		req         access.Request
		wantCode    int
		wantReason  metav1.StatusReason
		wantMessage string
		wantAuth    string
	}{
		{
			name: "forbidden list", subject: access.NewSubject("system:serviceaccount:ns-1:default", "denied"),
			req:      access.On("list", "", "v1", "namespaces"),
			wantCode: http.StatusForbidden, wantReason: metav1.StatusReasonForbidden, wantMessage: forbiddenNamespaces,
			wantAuth: "Bearer denied",
		},
		{
			name: "allowed list", subject: access.NewSubject("admin", "allowed"),
			req:      access.On("list", "", "v1", "namespaces"),
			wantCode: http.StatusOK, wantAuth: "Bearer allowed",
		},
		{
			name: "anonymous is unauthorized", subject: access.Anonymous(),
			req:      access.On("list", "", "v1", "namespaces"),
			wantCode: http.StatusUnauthorized, wantReason: metav1.StatusReasonUnauthorized, wantMessage: "Unauthorized",
		},
		{
			name: "non-resource URL", subject: access.NewSubject("u", "denied"),
			req:      access.Get("/api"),
			wantCode: http.StatusOK, wantAuth: "Bearer denied",
		},
		{
			name: "watch returns once the stream opens", subject: access.NewSubject("admin", "allowed"),
			req:      access.On("watch", "", "v1", "pods"),
			wantCode: http.StatusOK, wantAuth: "Bearer allowed",
		},
		{
			name: "not found", subject: access.NewSubject("admin", "allowed"),
			req:      access.On("get", "", "v1", "namespaces").Named("missing"),
			wantCode: http.StatusNotFound, wantReason: metav1.StatusReasonNotFound, wantMessage: "not found",
			wantAuth: "Bearer allowed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := access.NewClientGoChannel(srv.URL, caOf(srv))
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			o := ch.Do(ctx, tt.subject, tt.req)
			if o.Err != nil {
				t.Fatalf("Err = %v", o.Err)
			}
			if o.Code != tt.wantCode || o.Reason != tt.wantReason || o.Message != tt.wantMessage {
				t.Errorf("outcome = %d %q %q\n want %d %q %q", o.Code, o.Reason, o.Message, tt.wantCode, tt.wantReason, tt.wantMessage)
			}
			got := s.get()
			if strings.Join(got.auth, "|") != tt.wantAuth {
				t.Errorf("Authorization = %q, want %q", got.auth, tt.wantAuth)
			}
			if got.path != tt.req.Path() {
				t.Errorf("server saw path %q, want %q", got.path, tt.req.Path())
			}
		})
	}
}

func TestClientGoChannelRejectsForeignCA(t *testing.T) {
	srv, _ := fakeAPIServer(t)
	ch := access.NewClientGoChannel(srv.URL, foreignCA(t))
	o := ch.Do(t.Context(), access.NewSubject("u", "allowed"), access.Get("/api"))
	if o.Code != 0 || o.Err == nil || !strings.Contains(o.Err.Error(), "certificate") {
		t.Errorf("outcome %s, want no response and a certificate error", o)
	}
}

func TestClientGoChannelSelfReview(t *testing.T) {
	srv, s := fakeAPIServer(t)
	ch := access.NewClientGoChannel(srv.URL, caOf(srv))
	for token, want := range map[string]bool{"allowed": true, "denied": false} {
		t.Run(token, func(t *testing.T) {
			rv := ch.SelfReview(t.Context(), access.NewSubject("u", token), access.On("list", "", "v1", "namespaces"))
			if rv.Err != nil || rv.Allowed != want {
				t.Errorf("review = %s, want allowed=%t", rv, want)
			}
			if got := s.get(); strings.Join(got.auth, "|") != "Bearer "+token {
				t.Errorf("Authorization = %q, want the subject's token", got.auth)
			}
		})
	}
}
