package matrix_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"rbac-e2e/e2e/framework/matrix"
)

// TestPlan decides, for every verb × kind of target, whether the check is
// sent (and then in a harmless form) or judged by access review alone.
func TestPlan(t *testing.T) {
	pods := schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	type target struct {
		kind        string
		gvr         schema.GroupVersionResource
		subresource string
		name        string
		url         string
	}
	targets := []target{
		{kind: "resource", gvr: pods},
		{kind: "named resource", gvr: pods, name: "web-0"},
		{kind: "subresource", gvr: pods, subresource: "status"},
		{kind: "named subresource", gvr: pods, subresource: "log", name: "web-0"},
		{kind: "subresource create", gvr: schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}, subresource: "token", name: "deployer"},
	}
	for _, sub := range []string{"proxy", "exec", "attach", "portforward"} {
		targets = append(targets,
			target{kind: "handed-on " + sub, gvr: pods, subresource: sub},
			target{kind: "named handed-on " + sub, gvr: pods, subresource: sub, name: "web-0"})
	}
	for _, r := range []string{"services", "nodes"} {
		gvr := schema.GroupVersionResource{Version: "v1", Resource: r}
		targets = append(targets,
			target{kind: "handed-on " + r + "/proxy", gvr: gvr, subresource: "proxy"},
			target{kind: "named handed-on " + r + "/proxy", gvr: gvr, subresource: "proxy", name: "web"})
	}
	targets = append(targets, target{kind: "non-resource URL", url: "/debug/flags/v"})

	sent := func() string { return "" }
	reviewOnly := func() string { return matrix.ReviewOnlyReason }
	// want gives, per target kind and verb, "" (sent) or the reason's start.
	want := func(tg target, verb string) string {
		switch {
		case tg.url != "" && verb == "get":
			return sent()
		case tg.url != "":
			return reviewOnly()
		case strings.HasPrefix(tg.kind, "named handed-on"):
			return reviewOnly()
		}
		return sent()
	}

	for _, tg := range targets {
		verbs := matrix.ResourceVerbs
		if tg.url != "" {
			verbs = matrix.URLVerbs
		} else if tg.subresource != "" {
			verbs = []string{"get", "create", "update", "patch", "delete"} // the parser refuses collection verbs on subresources
		}
		for _, verb := range verbs {
			name := fmt.Sprintf("%s/%s", tg.kind, verb)
			c := matrix.Check{Verb: verb, Resource: tg.gvr, Subresource: tg.subresource, Name: tg.name, Namespace: "team-a", URL: tg.url}
			if tg.url != "" || tg.gvr.Resource == "nodes" {
				c.Namespace = ""
			}
			req, why := c.Plan()
			w := want(tg, verb)
			if (w == "") != (why == "") || !strings.HasPrefix(why, w) {
				t.Errorf("%s: review only %q, want %q", name, why, w)
			}
			if why != "" {
				// What the review asks is the row as written.
				if req.Name != tg.name || req.URL != tg.url || req.Verb != verb {
					t.Errorf("%s: review-only request %s names another object", name, req)
				}
				continue
			}
			// A sent resource write is dry-run; a sent handed-on request aims
			// at the probe name instead (its handler refuses dryRun).
			handedOn := strings.HasPrefix(tg.kind, "handed-on")
			if tg.url == "" && !handedOn && slices.Contains([]string{"create", "update", "patch", "delete", "deletecollection"}, verb) && !req.DryRun {
				t.Errorf("%s: write %s is sent without dryRun", name, req)
			}
			if (verb == "create" || verb == "update") && tg.url == "" && !strings.Contains(string(req.Body), `"kind":"GateProbe"`) {
				t.Errorf("%s: %s carries a decodable body %s", name, req, req.Body)
			}
			if handedOn && req.Name != matrix.ProbeName {
				t.Errorf("%s: %s is sent to %q, not the probe name", name, req, req.Name)
			}
			if verb == "deletecollection" && !strings.Contains(req.Query().Encode(), matrix.ProbeName) {
				t.Errorf("%s: %s selects more than the probe name", name, req)
			}
		}
	}
}

// TestPlanAggregated: on an aggregated API server dryRun and field
// selectors may be ignored, so only the probe name's writes and reads go.
func TestPlanAggregated(t *testing.T) {
	gvr := schema.GroupVersionResource{Group: "metrics.k8s.io", Version: "v1beta1", Resource: "pods"}
	agg := func(gv schema.GroupVersion) bool { return gv.Group == "metrics.k8s.io" }
	for _, tc := range []struct {
		verb, name string
		reviewOnly bool
	}{
		{"get", "web-0", false}, {"list", "", false}, {"watch", "", false},
		{"create", "", false}, {"update", "", false}, {"patch", "", false}, {"delete", "", false},
		{"update", "web-0", true}, {"patch", "web-0", true}, {"delete", "web-0", true},
		{"deletecollection", "", true},
	} {
		c := matrix.Check{Verb: tc.verb, Resource: gvr, Name: tc.name, Namespace: "team-a"}
		_, why := c.PlanOn(agg)
		if (why != "") != tc.reviewOnly {
			t.Errorf("%s %q on an aggregated API: review only %q, want %t", tc.verb, tc.name, why, tc.reviewOnly)
		}
		if _, why := c.Plan(); why != "" {
			t.Errorf("%s %q on a built-in API: review only %q", tc.verb, tc.name, why)
		}
	}
}

func TestURLRowsRefuseResourcePaths(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"/api/v1/namespaces/x", `rows[0].urls[0]: "/api/v1/namespaces/x" is a resource path; write it as resources: v1/namespaces with name: x`},
		{"/api/v1/namespaces/team-a/pods/web-0/log", `write it as resources: v1/pods with namespaces: team-a, name: web-0, subresource: log`},
		{"/apis/apps/v1/namespaces/team-a/deployments", `write it as resources: apps/v1/deployments with namespaces: team-a`},
		{"/apis/rbac.authorization.k8s.io/v1/clusterroles/admin", `write it as resources: rbac.authorization.k8s.io/v1/clusterroles with name: admin`},
		{"/api/v1/watch/namespaces/team-a/pods", `write it as resources: v1/pods with verbs: watch, namespaces: team-a`},
		{"/api/v1/namespaces/x/status", `write it as resources: v1/namespaces with name: x, subresource: status`},
		{"/api/v1/nodes/n1/proxy/metrics", `write it as resources: v1/nodes with name: n1, subresource: proxy`},
		{"/metrics?reset=1", `want a path without query or fragment`},
		{"/logs/../api/v1/pods", `want a clean path`},
		{"metrics", `want a path starting with /`},
	} {
		src := "subjects: [{user: jane}]\nrows:\n  - verbs: delete\n    urls: [\"" + tc.url + "\"]\n    allowed: false\n"
		_, err := matrix.Parse("fixtures/access/x.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), "fixtures/access/x.yaml:4: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want fixtures/access/x.yaml:4 … %s", tc.url, err, tc.want)
		}
	}
	// Discovery paths are non-resource requests to the authorizer (system:discovery grants them).
	for _, u := range []string{"/", "/api", "/api/v1", "/apis", "/apis/apps", "/apis/apps/v1", "/apis/apps/v1/", "/metrics", "/debug/flags/v", "/healthz/etcd"} {
		src := "subjects: [{user: jane}]\nrows:\n  - verbs: get\n    urls: " + u + "\n    allowed: true\n"
		if _, err := matrix.Parse("x.yaml", []byte(src)); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}

func TestSubresourceRefusesCollectionVerbs(t *testing.T) {
	src := "subjects: [{user: jane}]\nrows:\n  - verbs: read\n    resources: v1/pods\n    subresource: log\n    allowed: true\n"
	_, err := matrix.Parse("x.yaml", []byte(src))
	for _, want := range []string{
		`x.yaml:5: rows[0].subresource: list (from rows[0].verbs) cannot act on a subresource`,
		`x.yaml:5: rows[0].subresource: watch (from rows[0].verbs) cannot act on a subresource`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %s", err, want)
		}
	}
}
