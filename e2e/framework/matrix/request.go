package matrix

import (
	"encoding/json"

	"rbac-e2e/e2e/framework/access"
)

// ProbeName is the object a row without a name acts on. The gate asks
// whether a subject may act, not what acting does: a get of an object that
// does not exist answers 404 once the authorizer said yes, and 403 if it
// said no.
const ProbeName = "rbac-e2e-gate-probe"

// probeKind is a kind no API group serves: a create or update carrying it
// fails decoding (400) after authorization and before admission, so an
// allowed row never makes anything.
const probeKind = "GateProbe"

// Request is the request that checks a row without changing the cluster:
// writes are dry-run (the server persists nothing), create and update carry
// a body the server cannot decode, and a deletecollection selects only the
// probe name. Reads are made as written.
func (c Check) Request() access.Request {
	if c.URL != "" {
		return access.Request{Verb: c.Verb, URL: c.URL}
	}
	r := access.Request{Verb: c.Verb, Resource: c.Resource, Subresource: c.Subresource, Namespace: c.Namespace, Name: c.Name}
	switch c.Verb {
	case "get", "update", "patch", "delete":
		if r.Name == "" {
			r.Name = ProbeName
		}
	case "create":
		if r.Name == "" && r.Subresource != "" {
			r.Name = ProbeName // a subresource create (pods/eviction, serviceaccounts/token) names its parent
		}
	case "deletecollection":
		r.Name = ProbeName
	}
	switch c.Verb {
	case "create", "update":
		r.Body = probeBody(r.Name)
	case "patch":
		r.Body = []byte(`{}`)
	}
	switch c.Verb {
	case "create", "update", "patch", "delete", "deletecollection":
		// The connect handlers (proxy, exec, attach, portforward) refuse a
		// dryRun query (400) before they look the object up, while client-go
		// sends a delete's dryRun in its body (404): the channels would
		// disagree. Those requests aim only at the probe name, an object that
		// does not exist (see PlanOn), so dry-run protects nothing there.
		r.DryRun = !c.HandedOn()
	}
	return r
}

func probeBody(name string) []byte {
	obj := map[string]any{"apiVersion": "rbac-e2e.io/v1", "kind": probeKind}
	if name != "" {
		obj["metadata"] = map[string]any{"name": name}
	}
	b, _ := json.Marshal(obj)
	return b
}

// Expectation is what both channels must get: past the authorizer for an
// allowed row; for a forbidden one, 403 with RBAC's denial of this very
// subject, so a 403 for another reason (such as a refused impersonation)
// never passes for a denial.
func (c Check) Expectation() access.Expectation {
	if c.Allowed {
		return access.Authorized()
	}
	return access.ForbiddenContaining(access.RBACDenial(c.Subject.Username(), c.Request()))
}
