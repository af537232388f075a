package matrix

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"rbac-e2e/e2e/framework/access"
)

// ReviewOnlyReason starts the reason of every check judged by the access
// review alone (GATE-6).
const ReviewOnlyReason = "review only: sending it could change the server"

// handedOn are the subresources whose requests the API server hands on to
// a workload or a kubelet (pods/proxy, services/proxy, nodes/proxy,
// pods/exec, pods/attach, pods/portforward) once it found the object: no
// dry run reaches that far.
var handedOn = []string{"proxy", "exec", "attach", "portforward"}

// Plan is the request that checks c and whether it may be sent (GATE-6: a
// check changes nothing and reaches no workload). reviewOnly is empty when
// sending the request is harmless, else the reason (starting with
// ReviewOnlyReason) to judge the check by the access review alone.
//
// Harmless: reads; resource writes, which Request dry-runs and gives an
// undecodable body or the probe name; and the handed-on subresources aimed
// at the probe name, an object that does not exist (the API server answers
// 404 once the authorizer said yes). Not harmless: any non-resource verb but
// get (nothing dry-runs a handler such as PUT /debug/flags/v or DELETE
// /metrics), and the handed-on subresources of a named object, whatever
// the verb (a GET through pods/proxy is a request to the workload).
func (c Check) Plan() (req access.Request, reviewOnly string) {
	return c.PlanOn(nil)
}

// PlanOn is Plan on a cluster where aggregated reports the group versions
// served by aggregated API servers (nil: none). Such a server may honour
// neither dryRun nor a field selector, so a write to a named object and a
// deletecollection there are judged by review alone; the probe name's
// writes still go, as they find nothing to change.
func (c Check) PlanOn(aggregated func(schema.GroupVersion) bool) (req access.Request, reviewOnly string) {
	req = c.Request()
	if c.URL != "" {
		if c.Verb == "get" {
			return req, ""
		}
		return req, fmt.Sprintf("%s (a non-resource %s reaches its handler as it is; nothing dry-runs it)", ReviewOnlyReason, c.Verb)
	}
	if IsSpecialVerb(c.Verb) {
		return req, specialReviewOnly(c.Verb)
	}
	if c.HandedOn() && c.Name != "" {
		return req, fmt.Sprintf("%s (%s/%s of an object that may exist is handed on to the workload or kubelet behind it)", ReviewOnlyReason, c.Resource.Resource, c.Subresource)
	}
	if aggregated != nil && aggregated(c.Resource.GroupVersion()) && isWrite(c.Verb) && (c.Name != "" || c.Verb == "deletecollection") {
		return req, fmt.Sprintf("%s (%s is served by an aggregated API server, which may not honour dryRun)", ReviewOnlyReason, c.Resource.GroupVersion())
	}
	return req, ""
}

// HandedOn tells whether the check's request would be handed on to a
// workload or kubelet once the API server finds the object: harmless only
// at the probe name, which the gate makes sure no object has.
func (c Check) HandedOn() bool { return slices.Contains(handedOn, c.Subresource) }

func isWrite(verb string) bool {
	return slices.Contains(VerbAliases["write"], verb)
}
