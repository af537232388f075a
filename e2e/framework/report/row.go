package report

import (
	"fmt"
	"net/http"
	"strings"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/matrix"
)

// channels are the request channels, in report order; a review-only row
// sends through neither.
var channels = []string{"client-go", "http"}

// RowOf is the report row of a checked matrix row. Cells that met the
// expectation are kept short (the status code); the ones that missed it
// carry the whole answer.
func RowOf(c matrix.Check, res access.Result) Row {
	r := Row{
		Source:     fmt.Sprintf("%s (%s)", c.Row, c.Row.Field),
		Check:      res.Request.String(),
		Expected:   res.Expect.String(),
		Failures:   res.Failures(),
		Note:       c.Note,
		ReviewOnly: res.ReviewOnly,
	}
	if res.ReviewOnly != "" {
		for _, ch := range channels {
			r.Cells = append(r.Cells, Cell{Name: ch, Got: "not sent", OK: true})
		}
	}
	for _, o := range res.Outcomes {
		ok := res.Expect.Met(o.Outcome)
		got := o.Outcome.String()
		if ok {
			got = short(o.Outcome)
		}
		r.Cells = append(r.Cells, Cell{Name: o.Channel, Got: got, OK: ok})
	}
	if rv := res.Review; rv != nil {
		ok := rv.Err == nil && rv.Allowed == res.Expect.IsAllowed()
		got := rv.String()
		if ok {
			got = "denied"
			if rv.Allowed {
				got = "allowed"
			}
		}
		r.Cells = append(r.Cells, Cell{Name: "review", Got: got, OK: ok})
	} else {
		r.Cells = append(r.Cells, Cell{Name: "review", Got: "not made", OK: true})
	}
	return r
}

func short(o access.Outcome) string {
	if o.Code == 0 {
		return o.String()
	}
	return fmt.Sprintf("%d %s", o.Code, http.StatusText(o.Code))
}

// ResourceLabel names what a check acts on in an access grid: pods,
// pods/log, deployments.apps, secrets "name", or a URL.
func ResourceLabel(group, resource, subresource, name, url string) string {
	if url != "" {
		return url
	}
	s := resource
	if group != "" {
		s += "." + group
	}
	if subresource != "" {
		s += "/" + subresource
	}
	if name != "" {
		s += fmt.Sprintf(" %q", name)
	}
	return s
}

// ScopeOf is a grid scope: ClusterScope for "" (and URLs), else the namespace.
func ScopeOf(namespace string) string {
	if namespace == "" {
		return ClusterScope
	}
	return namespace
}

// GridEntryOf is a checked row's grid cell. A failed row is marked with
// its source; what the cluster answered is the opposite of the
// expectation then (a row whose channels disagree is marked all the same).
func GridEntryOf(c matrix.Check, res access.Result) GridEntry {
	e := GridEntry{
		Scope:    ScopeOf(c.Namespace),
		Resource: ResourceLabel(c.Resource.Group, c.Resource.Resource, c.Subresource, c.Name, c.URL),
		Verb:     c.Verb,
		Allowed:  c.Allowed,
	}
	if f := res.Failures(); len(f) > 0 {
		e.Allowed = !c.Allowed
		e.Mismatch = fmt.Sprintf("%s expects %s: %s", c.Row, answer(c.Allowed), strings.Join(f, "; "))
	}
	return e
}
