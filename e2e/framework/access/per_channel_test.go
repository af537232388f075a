package access_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"rbac-e2e/e2e/framework/access"
)

func TestRequestForChannel(t *testing.T) {
	cm := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","labels":{"a":"b"}},"data":{"k":"v"}}`
	tests := []struct {
		name     string
		req      access.Request
		wantPath string
		wantBody string // "" when the body must be left as it is
	}{
		{
			name:     "create renames the body's object",
			req:      access.On("create", "", "v1", "configmaps").In("ns").WithBody([]byte(cm)),
			wantPath: "/api/v1/namespaces/ns/configmaps",
			wantBody: `{"apiVersion":"v1","data":{"k":"v"},"kind":"ConfigMap","metadata":{"labels":{"a":"b"},"name":"cm-http"}}`,
		},
		{
			name:     "update renames the URL and the body",
			req:      access.On("update", "", "v1", "configmaps").In("ns").Named("cm").WithBody([]byte(cm)),
			wantPath: "/api/v1/namespaces/ns/configmaps/cm-http",
			wantBody: `{"apiVersion":"v1","data":{"k":"v"},"kind":"ConfigMap","metadata":{"labels":{"a":"b"},"name":"cm-http"}}`,
		},
		{
			name:     "patch renames the URL only",
			req:      access.On("patch", "", "v1", "configmaps").In("ns").Named("cm").WithBody([]byte(`{"metadata":{"name":"cm"}}`)),
			wantPath: "/api/v1/namespaces/ns/configmaps/cm-http",
		},
		{
			name:     "delete",
			req:      access.On("delete", "apps", "v1", "deployments").In("ns").Named("d"),
			wantPath: "/apis/apps/v1/namespaces/ns/deployments/d-http",
		},
		{
			name:     "create with generateName keeps the body",
			req:      access.On("create", "", "v1", "configmaps").In("ns").WithBody([]byte(`{"metadata":{"generateName":"cm-"}}`)),
			wantPath: "/api/v1/namespaces/ns/configmaps",
		},
		{
			name:     "a non-resource URL is left alone",
			req:      access.Get("/healthz"),
			wantPath: "/healthz",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.req.ForChannel("http")
			if err != nil {
				t.Fatalf("ForChannel: %v", err)
			}
			if got.Path() != tt.wantPath {
				t.Errorf("Path() = %q, want %q", got.Path(), tt.wantPath)
			}
			wantBody := tt.wantBody
			if wantBody == "" {
				wantBody = string(tt.req.Body)
			}
			if string(got.Body) != wantBody {
				t.Errorf("Body = %s, want %s", got.Body, wantBody)
			}
			if got.Verb != tt.req.Verb || got.Namespace != tt.req.Namespace {
				t.Errorf("ForChannel changed more than the name: %s", got)
			}
		})
	}
	if _, err := access.On("create", "", "v1", "configmaps").In("ns").WithBody([]byte(`[1]`)).ForChannel("http"); err == nil ||
		!strings.Contains(err.Error(), "create configmaps in namespace ns") {
		t.Errorf("ForChannel of a non-object body = %v, want an error naming the request", err)
	}
}

// objectStore is a fake API server that keeps ConfigMaps: a second create of
// one name is 409, a delete of a missing one 404, as on a real server.
type objectStore struct {
	mu      sync.Mutex
	objects map[string]bool
	reviews []string // the raw bodies of the access reviews
}

func (s *objectStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	const collection = "/api/v1/namespaces/ns/configmaps"
	switch {
	case r.Method == "POST" && r.URL.Path == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews":
		// client-go sends the review as protobuf: keep it raw, look for names.
		raw, _ := io.ReadAll(r.Body)
		s.reviews = append(s.reviews, string(raw))
		writeJSON(w, http.StatusCreated, `{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","status":{"allowed":true}}`)
	case r.Method == "POST" && r.URL.Path == collection:
		var obj struct{ Metadata struct{ Name string } }
		_ = json.NewDecoder(r.Body).Decode(&obj)
		if s.objects[obj.Metadata.Name] {
			writeJSON(w, http.StatusConflict, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"AlreadyExists","code":409}`)
			return
		}
		s.objects[obj.Metadata.Name] = true
		writeJSON(w, http.StatusCreated, `{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"`+obj.Metadata.Name+`"}}`)
	case r.Method == "DELETE" && strings.HasPrefix(r.URL.Path, collection+"/"):
		name := strings.TrimPrefix(r.URL.Path, collection+"/")
		if !s.objects[name] {
			writeJSON(w, http.StatusNotFound, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}`)
			return
		}
		delete(s.objects, name)
		writeJSON(w, http.StatusOK, `{"kind":"Status","apiVersion":"v1","status":"Success","code":200}`)
	default:
		writeJSON(w, http.StatusNotFound, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}`)
	}
}

func TestCheckerPerChannel(t *testing.T) {
	store := &objectStore{objects: map[string]bool{}}
	srv := newTLSServer(t, store)
	c, err := access.NewChecker(srv.URL, caOf(srv))
	if err != nil {
		t.Fatal(err)
	}
	sa := access.NewSubject("system:serviceaccount:ns:sa", "tok")
	create := access.On("create", "", "v1", "configmaps").In("ns").
		WithBody([]byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"}}`))
	del := access.On("delete", "", "v1", "configmaps").In("ns").Named("cm")

	// The problem: one object, two channels in a row.
	if err := c.Check(t.Context(), sa, create, access.Status(201)); err == nil ||
		!strings.Contains(err.Error(), "http missed the expectation") || !strings.Contains(err.Error(), "409") {
		t.Fatalf("Check of a shared create = %v, want the second channel to meet 409", err)
	}

	for _, step := range []struct {
		req  access.Request
		want int
	}{{create, 201}, {del, 200}} {
		res, err := c.DoPerChannel(t.Context(), sa, step.req, access.Status(step.want))
		if err != nil {
			t.Fatalf("DoPerChannel(%s): %v", step.req, err)
		}
		if err := res.Err(); err != nil {
			t.Fatalf("DoPerChannel(%s): %v", step.req, err)
		}
		if got := res.Request.String(); !strings.Contains(got, "cm-<channel>") {
			t.Errorf("Result.Request = %q, want it to show cm-<channel>", got)
		}
	}
	if len(store.objects) != 1 || !store.objects["cm"] {
		t.Errorf("objects left = %v, want only the shared cm: each channel deleted its own", store.objects)
	}
	if last := store.reviews[len(store.reviews)-1]; !strings.Contains(last, "cm-client-go") || strings.Contains(last, "cm-http") {
		t.Errorf("the delete's review asked %q, want it about the client-go channel's object cm-client-go", last)
	}
	if err := c.CheckPerChannel(t.Context(), sa, del, access.Status(200)); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a second per-channel delete = %v, want 404 through both channels", err)
	}
	if got := c.ChannelNames(); strings.Join(got, ",") != "client-go,http" {
		t.Errorf("ChannelNames() = %q", got)
	}
}
