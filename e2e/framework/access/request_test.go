package access_test

import (
	"net/http"
	"testing"

	"rbac-e2e/e2e/framework/access"
)

func TestRequestURL(t *testing.T) {
	tests := []struct {
		name       string
		req        access.Request
		wantMethod string
		wantPath   string
		wantQuery  string
		wantString string
	}{
		{
			name:       "core namespaced list",
			req:        access.On("list", "", "v1", "pods").In("ns-1"),
			wantMethod: http.MethodGet,
			wantPath:   "/api/v1/namespaces/ns-1/pods",
			wantString: "list pods in namespace ns-1 (GET /api/v1/namespaces/ns-1/pods)",
		},
		{
			name:       "core cluster-scoped list",
			req:        access.On("list", "", "v1", "namespaces"),
			wantMethod: http.MethodGet,
			wantPath:   "/api/v1/namespaces",
			wantString: "list namespaces at cluster scope (GET /api/v1/namespaces)",
		},
		{
			name:       "core cluster-scoped named",
			req:        access.On("get", "", "v1", "namespaces").Named("ns-1"),
			wantMethod: http.MethodGet,
			wantPath:   "/api/v1/namespaces/ns-1",
			wantString: "get namespaces ns-1 at cluster scope (GET /api/v1/namespaces/ns-1)",
		},
		{
			name:       "group namespaced named",
			req:        access.On("get", "apps", "v1", "deployments").In("ns-1").Named("web"),
			wantMethod: http.MethodGet,
			wantPath:   "/apis/apps/v1/namespaces/ns-1/deployments/web",
			wantString: "get deployments.apps web in namespace ns-1 (GET /apis/apps/v1/namespaces/ns-1/deployments/web)",
		},
		{
			name:       "group cluster-scoped list",
			req:        access.On("list", "rbac.authorization.k8s.io", "v1", "clusterroles"),
			wantMethod: http.MethodGet,
			wantPath:   "/apis/rbac.authorization.k8s.io/v1/clusterroles",
			wantString: "list clusterroles.rbac.authorization.k8s.io at cluster scope (GET /apis/rbac.authorization.k8s.io/v1/clusterroles)",
		},
		{
			name:       "subresource",
			req:        access.On("update", "apps", "v1", "deployments").In("ns-1").Named("web").Sub("scale"),
			wantMethod: http.MethodPut,
			wantPath:   "/apis/apps/v1/namespaces/ns-1/deployments/web/scale",
			wantString: "update deployments.apps/scale web in namespace ns-1 (PUT /apis/apps/v1/namespaces/ns-1/deployments/web/scale)",
		},
		{
			name:       "core subresource",
			req:        access.On("get", "", "v1", "pods").In("ns-1").Named("p").Sub("log"),
			wantMethod: http.MethodGet,
			wantPath:   "/api/v1/namespaces/ns-1/pods/p/log",
			wantString: "get pods/log p in namespace ns-1 (GET /api/v1/namespaces/ns-1/pods/p/log)",
		},
		{
			name:       "watch",
			req:        access.On("watch", "", "v1", "pods").In("ns-1"),
			wantMethod: http.MethodGet,
			wantPath:   "/api/v1/namespaces/ns-1/pods",
			wantQuery:  "timeoutSeconds=1&watch=true",
			wantString: "watch pods in namespace ns-1 (GET /api/v1/namespaces/ns-1/pods?timeoutSeconds=1&watch=true)",
		},
		{
			name:       "non-resource URL",
			req:        access.Get("/api"),
			wantMethod: http.MethodGet,
			wantPath:   "/api",
			wantString: "get /api (GET /api)",
		},
		{
			name:       "non-resource URL with an HTTP verb",
			req:        access.Request{Verb: "post", URL: "/metrics"},
			wantMethod: http.MethodPost,
			wantPath:   "/metrics",
			wantString: "post /metrics (POST /metrics)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.req.Method(); got != tt.wantMethod {
				t.Errorf("Method() = %q, want %q", got, tt.wantMethod)
			}
			if got := tt.req.Path(); got != tt.wantPath {
				t.Errorf("Path() = %q, want %q", got, tt.wantPath)
			}
			if got := tt.req.Query().Encode(); got != tt.wantQuery {
				t.Errorf("Query() = %q, want %q", got, tt.wantQuery)
			}
			if got := tt.req.String(); got != tt.wantString {
				t.Errorf("String() = %q\n want %q", got, tt.wantString)
			}
			if got, want := tt.req.IsResource(), tt.req.URL == ""; got != want {
				t.Errorf("IsResource() = %t, want %t", got, want)
			}
		})
	}
}

func TestRequestMethodPerVerb(t *testing.T) {
	want := map[string]string{
		"create":           http.MethodPost,
		"get":              http.MethodGet,
		"list":             http.MethodGet,
		"watch":            http.MethodGet,
		"update":           http.MethodPut,
		"patch":            http.MethodPatch,
		"delete":           http.MethodDelete,
		"deletecollection": http.MethodDelete,
	}
	if len(access.Verbs) != len(want) {
		t.Fatalf("access.Verbs = %v, the test knows %d verbs", access.Verbs, len(want))
	}
	for _, verb := range access.Verbs {
		t.Run(verb, func(t *testing.T) {
			m, ok := want[verb]
			if !ok {
				t.Fatalf("verb %q has no expected method", verb)
			}
			if got := access.On(verb, "", "v1", "pods").Method(); got != m {
				t.Errorf("Method() = %q, want %q", got, m)
			}
		})
	}
}

func TestReviewAttributes(t *testing.T) {
	t.Run("resource", func(t *testing.T) {
		spec := access.ReviewAttributes(access.On("get", "apps", "v1", "deployments").In("ns-1").Named("web").Sub("scale"))
		ra := spec.ResourceAttributes
		if ra == nil || spec.NonResourceAttributes != nil {
			t.Fatalf("want resource attributes only, got %+v", spec)
		}
		if ra.Verb != "get" || ra.Group != "apps" || ra.Version != "v1" || ra.Resource != "deployments" ||
			ra.Namespace != "ns-1" || ra.Name != "web" || ra.Subresource != "scale" {
			t.Errorf("resource attributes = %+v", *ra)
		}
	})
	t.Run("non-resource", func(t *testing.T) {
		spec := access.ReviewAttributes(access.Get("/api"))
		nra := spec.NonResourceAttributes
		if nra == nil || spec.ResourceAttributes != nil {
			t.Fatalf("want non-resource attributes only, got %+v", spec)
		}
		if nra.Path != "/api" || nra.Verb != "get" {
			t.Errorf("non-resource attributes = %+v", *nra)
		}
	})
}
