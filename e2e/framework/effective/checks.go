package effective

import (
	"rbac-e2e/e2e/framework/matrix"
)

// Notes of the checks Checks makes.
const (
	GainedNote = "gained: the recorded snapshot does not allow it"
	LostNote   = "lost: the recorded snapshot allows it"
)

// Checks turns a subject's differences into access-matrix checks to
// confirm on the wire with the subject's own credentials (PlanOn, Request,
// Expectation): each gained permission must be allowed, each lost one
// denied. Resources are named at the version api serves them by (a lost
// permission's resource may be served no more: then the recorded version).
func Checks(d SubjectDiff, api API) []matrix.Check {
	var out []matrix.Check
	add := func(ps []Permission, allowed bool, note string) {
		for _, p := range ps {
			c := matrix.Check{Subject: d.Subject, Verb: p.Verb, Subresource: p.Subresource, Name: p.Name,
				Namespace: p.Namespace, URL: p.URL, Allowed: allowed, Note: note}
			if !p.IsURL() {
				p.Version = api.VersionOf(p)
				c.Resource = p.GVR()
			}
			out = append(out, c)
		}
	}
	add(d.Gained, true, GainedNote)
	add(d.Lost, false, LostNote)
	return out
}
