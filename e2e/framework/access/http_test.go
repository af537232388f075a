package access_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"rbac-e2e/e2e/framework/access"
)

// newTLSServer starts an httptest TLS server that is closed when the test ends.
func newTLSServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // failed handshakes are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// caOf is the server's certificate as a PEM CA bundle.
func caOf(srv *httptest.Server) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
}

// foreignCA is a self-signed CA that signed nothing the servers present.
func foreignCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "foreign-ca"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// seen is what the server saw of the last request.
type seen struct {
	mu                                       sync.Mutex
	method, path, query, accept, contentType string
	auth                                     []string // Authorization header values
	body                                     string
}

func (s *seen) record(r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.method, s.path, s.query = r.Method, r.URL.Path, r.URL.RawQuery
	s.accept, s.contentType = r.Header.Get("Accept"), r.Header.Get("Content-Type")
	s.auth = r.Header.Values("Authorization")
	s.body = string(b)
}

func (s *seen) get() seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return seen{method: s.method, path: s.path, query: s.query, accept: s.accept,
		contentType: s.contentType, auth: s.auth, body: s.body}
}

func writeJSON(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	io.WriteString(w, body)
}

const forbiddenNamespaces = `User "system:serviceaccount:ns-1:default" cannot list resource "namespaces" in API group "" at the cluster scope`

const forbiddenStatus = `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"` +
	`User \"system:serviceaccount:ns-1:default\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope",` +
	`"reason":"Forbidden","details":{"kind":"namespaces"},"code":403}`

func newHTTPChannel(t *testing.T, srv *httptest.Server, ca []byte) *access.HTTPChannel {
	t.Helper()
	ch, err := access.NewHTTPChannel(srv.URL, ca)
	if err != nil {
		t.Fatalf("NewHTTPChannel: %v", err)
	}
	return ch
}

func TestNewHTTPChannelRejectsNonPEM(t *testing.T) {
	srv := newTLSServer(t, http.NotFoundHandler())
	for name, ca := range map[string][]byte{
		"nil":     nil,
		"garbage": []byte("not a certificate"),
		"raw DER": srv.Certificate().Raw,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := access.NewHTTPChannel(srv.URL, ca); err == nil {
				t.Error("NewHTTPChannel accepted CA data without a PEM certificate")
			}
		})
	}
}

func TestHTTPChannelTrustsOnlyTheGivenCA(t *testing.T) {
	srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"kind":"APIVersions","versions":["v1"]}`)
	}))
	tests := []struct {
		name     string
		ca       []byte
		wantCode int
	}{
		{"server CA", caOf(srv), http.StatusOK},
		{"foreign CA", foreignCA(t), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newHTTPChannel(t, srv, tt.ca).Do(t.Context(), access.NewSubject("u", "tok"), access.Get("/api"))
			if o.Code != tt.wantCode {
				t.Fatalf("Code = %d, want %d (outcome %s)", o.Code, tt.wantCode, o)
			}
			if tt.wantCode == 0 {
				if o.Err == nil || !strings.Contains(o.Err.Error(), "certificate") {
					t.Errorf("Err = %v, want a certificate error", o.Err)
				}
			} else if o.Err != nil {
				t.Errorf("Err = %v", o.Err)
			}
		})
	}
}

func TestHTTPChannelSendsRequest(t *testing.T) {
	var s seen
	srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.record(r)
		writeJSON(w, http.StatusOK, `{}`)
	}))
	ch := newHTTPChannel(t, srv, caOf(srv))
	sa := access.NewSubject("system:serviceaccount:ns-1:sa", "tok-123")
	jsonPatch := access.On("patch", "", "v1", "configmaps").In("ns-1").Named("cm").WithBody([]byte(`[]`))
	jsonPatch.PatchType = types.JSONPatchType

	tests := []struct {
		name            string
		subject         access.Subject
		req             access.Request
		wantMethod      string
		wantPath        string
		wantQuery       string
		wantAuth        []string
		wantContentType string
		wantBody        string
	}{
		{
			name: "get with token", subject: sa,
			req:        access.On("get", "", "v1", "pods").In("ns-1").Named("p"),
			wantMethod: "GET", wantPath: "/api/v1/namespaces/ns-1/pods/p",
			wantAuth: []string{"Bearer tok-123"},
		},
		{
			name: "anonymous sends no Authorization", subject: access.Anonymous(),
			req:        access.On("list", "", "v1", "namespaces"),
			wantMethod: "GET", wantPath: "/api/v1/namespaces",
		},
		{
			name: "create sends JSON", subject: sa,
			req:        access.On("create", "", "v1", "configmaps").In("ns-1").WithBody([]byte(`{"kind":"ConfigMap"}`)),
			wantMethod: "POST", wantPath: "/api/v1/namespaces/ns-1/configmaps",
			wantAuth: []string{"Bearer tok-123"}, wantContentType: "application/json", wantBody: `{"kind":"ConfigMap"}`,
		},
		{
			name: "update sends JSON", subject: sa,
			req:        access.On("update", "", "v1", "configmaps").In("ns-1").Named("cm").WithBody([]byte(`{"kind":"ConfigMap"}`)),
			wantMethod: "PUT", wantPath: "/api/v1/namespaces/ns-1/configmaps/cm",
			wantAuth: []string{"Bearer tok-123"}, wantContentType: "application/json", wantBody: `{"kind":"ConfigMap"}`,
		},
		{
			name: "patch sends a merge patch", subject: sa,
			req:        access.On("patch", "", "v1", "configmaps").In("ns-1").Named("cm").WithBody([]byte(`{"data":{"a":"b"}}`)),
			wantMethod: "PATCH", wantPath: "/api/v1/namespaces/ns-1/configmaps/cm",
			wantAuth: []string{"Bearer tok-123"}, wantContentType: "application/merge-patch+json", wantBody: `{"data":{"a":"b"}}`,
		},
		{
			name: "patch with a JSON patch type", subject: sa, req: jsonPatch,
			wantMethod: "PATCH", wantPath: "/api/v1/namespaces/ns-1/configmaps/cm",
			wantAuth: []string{"Bearer tok-123"}, wantContentType: "application/json-patch+json", wantBody: `[]`,
		},
		{
			name: "deletecollection", subject: sa,
			req:        access.On("deletecollection", "", "v1", "configmaps").In("ns-1"),
			wantMethod: "DELETE", wantPath: "/api/v1/namespaces/ns-1/configmaps",
			wantAuth: []string{"Bearer tok-123"},
		},
		{
			name: "watch query", subject: sa,
			req:        access.On("watch", "", "v1", "pods").In("ns-1"),
			wantMethod: "GET", wantPath: "/api/v1/namespaces/ns-1/pods", wantQuery: "timeoutSeconds=1&watch=true",
			wantAuth: []string{"Bearer tok-123"},
		},
		{
			name: "non-resource URL", subject: sa, req: access.Get("/api"),
			wantMethod: "GET", wantPath: "/api", wantAuth: []string{"Bearer tok-123"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ch.Do(t.Context(), tt.subject, tt.req)
			if o.Err != nil || o.Code != http.StatusOK {
				t.Fatalf("outcome %s, want 200", o)
			}
			got := s.get()
			if got.method != tt.wantMethod || got.path != tt.wantPath || got.query != tt.wantQuery {
				t.Errorf("server saw %s %s?%s, want %s %s?%s", got.method, got.path, got.query, tt.wantMethod, tt.wantPath, tt.wantQuery)
			}
			if strings.Join(got.auth, "|") != strings.Join(tt.wantAuth, "|") {
				t.Errorf("Authorization = %q, want %q", got.auth, tt.wantAuth)
			}
			if got.contentType != tt.wantContentType {
				t.Errorf("Content-Type = %q, want %q", got.contentType, tt.wantContentType)
			}
			if got.body != tt.wantBody {
				t.Errorf("body = %q, want %q", got.body, tt.wantBody)
			}
			// What client-go sends: JSON for resources, JSON or anything for a URL.
			wantAccept := "application/json"
			if !tt.req.IsResource() {
				wantAccept = "application/json, */*"
			}
			if got.accept != wantAccept {
				t.Errorf("Accept = %q, want %q", got.accept, wantAccept)
			}
		})
	}
}

func TestHTTPChannelDecodesStatus(t *testing.T) {
	tests := []struct {
		name        string
		code        int
		body        string
		wantReason  metav1.StatusReason
		wantMessage string
	}{
		{"forbidden status", http.StatusForbidden, forbiddenStatus, metav1.StatusReasonForbidden, forbiddenNamespaces},
		{"not found status", http.StatusNotFound,
			`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"p\" not found","reason":"NotFound","code":404}`,
			metav1.StatusReasonNotFound, `pods "p" not found`},
		{"a list is no status", http.StatusOK, `{"kind":"NamespaceList","apiVersion":"v1","items":[]}`, "", ""},
		{"plain text", http.StatusInternalServerError, "oops", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, tt.code, tt.body)
			}))
			o := newHTTPChannel(t, srv, caOf(srv)).Do(t.Context(), access.NewSubject("u", "tok"), access.On("list", "", "v1", "namespaces"))
			if o.Err != nil {
				t.Fatalf("Err = %v", o.Err)
			}
			if o.Code != tt.code || o.Reason != tt.wantReason || o.Message != tt.wantMessage {
				t.Errorf("outcome = %d %q %q, want %d %q %q", o.Code, o.Reason, o.Message, tt.code, tt.wantReason, tt.wantMessage)
			}
			if string(o.Body) != tt.body {
				t.Errorf("Body = %q, want %q", o.Body, tt.body)
			}
		})
	}
}

// watchHandler answers a watch like the API server: 200 and then a stream
// that never ends on its own. It gives up when the client goes away or the
// test ends, so nothing hangs.
func watchHandler(t *testing.T) http.Handler {
	done := make(chan struct{})
	t.Cleanup(func() { close(done) }) // runs before the server's Close
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("watch") != "true" {
			writeJSON(w, http.StatusBadRequest, `{}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-done:
		}
	})
}

func TestHTTPChannelWatchReturnsOnStatusLine(t *testing.T) {
	srv := newTLSServer(t, watchHandler(t))
	ch := newHTTPChannel(t, srv, caOf(srv))
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	start := time.Now()
	o := ch.Do(ctx, access.NewSubject("u", "tok"), access.On("watch", "", "v1", "pods").In("ns-1"))
	if o.Err != nil || o.Code != http.StatusOK {
		t.Fatalf("outcome %s, want 200 without error", o)
	}
	if len(o.Body) != 0 {
		t.Errorf("Body = %q, want the stream left unread", o.Body)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("watch took %s: the stream was read", d)
	}
}
