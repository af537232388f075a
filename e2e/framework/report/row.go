package report

import (
	"fmt"
	"net/http"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/matrix"
)

// RowOf is the report row of a checked matrix row. Cells that met the
// expectation are kept short (the status code); the ones that missed it
// carry the whole answer.
func RowOf(c matrix.Check, res access.Result) Row {
	r := Row{
		Source:   fmt.Sprintf("%s (%s)", c.Row, c.Row.Field),
		Check:    res.Request.String(),
		Expected: res.Expect.String(),
		Failures: res.Failures(),
		Note:     c.Note,
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
