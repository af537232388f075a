package matrix_test

import (
	"encoding/json"
	"testing"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/matrix"
)

func TestCheckRequest(t *testing.T) {
	src := `subjects: [{serviceAccount: team-a/deployer}]
rows:
  - verbs: all
    resources: apps/v1/deployments
    namespaces: team-a
    allowed: true
  - verbs: [get, delete]
    resources: v1/configmaps
    name: settings
    namespaces: team-a
    allowed: false
  - verbs: create
    resources: v1/serviceaccounts
    subresource: token
    namespaces: team-a
    allowed: true
  - verbs: post
    urls: /metrics
    allowed: false
`
	m, err := matrix.Parse("r.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		path, query string
		body        bool
	}
	const deploys = "/apis/apps/v1/namespaces/team-a/deployments"
	wants := []want{
		{deploys + "/" + matrix.ProbeName, "", false},                                                    // get
		{deploys, "", false},                                                                             // list
		{deploys, "timeoutSeconds=1&watch=true", false},                                                  // watch
		{deploys, "dryRun=All", true},                                                                    // create
		{deploys + "/" + matrix.ProbeName, "dryRun=All", true},                                           // update
		{deploys + "/" + matrix.ProbeName, "dryRun=All", true},                                           // patch
		{deploys + "/" + matrix.ProbeName, "dryRun=All", false},                                          // delete
		{deploys, "dryRun=All&fieldSelector=metadata.name%3D" + matrix.ProbeName, false},                 // deletecollection
		{"/api/v1/namespaces/team-a/configmaps/settings", "", false},                                     // get, named
		{"/api/v1/namespaces/team-a/configmaps/settings", "dryRun=All", false},                           // delete, named
		{"/api/v1/namespaces/team-a/serviceaccounts/" + matrix.ProbeName + "/token", "dryRun=All", true}, // subresource create
		{"/metrics", "", false},
	}
	if len(m.Checks) != len(wants) {
		t.Fatalf("%d checks, want %d", len(m.Checks), len(wants))
	}
	for i, c := range m.Checks {
		r := c.Request()
		w := wants[i]
		if r.Path() != w.path || r.Query().Encode() != w.query || (r.Body != nil) != w.body {
			t.Errorf("%s: request %s, body %q\n want path %s query %q body %t", c.Target(), r, r.Body, w.path, w.query, w.body)
		}
		if r.Body != nil && c.Verb != "patch" {
			var obj map[string]any
			if err := json.Unmarshal(r.Body, &obj); err != nil || obj["kind"] != "GateProbe" {
				t.Errorf("%s: body %s is not the undecodable probe", c.Target(), r.Body)
			}
		}
	}
	// Expectations: allowed rows pass the authorizer, forbidden rows get RBAC's denial of this subject.
	if got := m.Checks[0].Expectation(); !got.Met(access.Outcome{Code: 404}) || got.Met(access.Outcome{Code: 403}) {
		t.Errorf("allowed row expects %s", got)
	}
	denied := m.Checks[8].Expectation()
	msg := `configmaps "settings" is forbidden: User "system:serviceaccount:team-a:deployer" cannot get resource "configmaps" in API group "" in the namespace "team-a"`
	if !denied.Met(access.Outcome{Code: 403, Reason: "Forbidden", Message: msg}) {
		t.Errorf("%s does not accept RBAC's denial %q", denied, msg)
	}
	other := `users "x" is forbidden: User "system:serviceaccount:gate:impersonator" cannot impersonate resource "users" in API group "" at the cluster scope`
	if denied.Met(access.Outcome{Code: 403, Reason: "Forbidden", Message: other}) {
		t.Errorf("%s accepts a denial of something else: %q", denied, other)
	}
	if got := m.Checks[11].Expectation().String(); got != `403 Forbidden reason Forbidden containing "User \"system:serviceaccount:team-a:deployer\" cannot post path \"/metrics\""` {
		t.Errorf("URL row expects %s", got)
	}
}
