package gate

import (
	"context"
	"fmt"
	"strings"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/effective"
	"rbac-e2e/e2e/framework/matrix"
	"rbac-e2e/e2e/framework/rbacpath"
	"rbac-e2e/e2e/framework/report"
)

// SubjectChanges is one subject's difference of effective access against a
// recording, each permission confirmed on the wire.
type SubjectChanges struct {
	Subject matrix.Subject
	Changes []report.Change
	// Unconfirmed are differences the wire did not bear out (the sweep's
	// review and the channels disagree): each fails the gate as well.
	Unconfirmed []string
}

// confirmAll checks every gained and lost permission of diffs through both
// channels with each subject's real credentials (effective.Checks: a
// gained one must be allowed, a lost one denied; the row machinery, so a
// confirmed difference is a passing row), all subjects' checks Workers at
// a time, and explains a gained one by its granting paths in head and a
// lost one by its paths in base (nil: not known).
func (r *Run) confirmAll(ctx context.Context, diffs []effective.SubjectDiff, head, base *rbacpath.Resolver) ([]SubjectChanges, error) {
	out := make([]SubjectChanges, len(diffs))
	dos := map[string]func(context.Context, matrix.Check) access.Result{}
	var all []matrix.Check
	var owner []int // all[i] belongs to diffs[owner[i]]
	for i, d := range diffs {
		out[i].Subject = d.Subject
		checks := effective.Checks(d, r.api)
		subject, err := r.Subject(ctx, d.Subject)
		if err != nil {
			// A ServiceAccount that is gone has no credentials: its
			// difference stands on the sweep's reviews alone, and says so.
			for _, c := range checks {
				ch := r.change(c, head, base)
				ch.Confirmed = "not confirmed on the wire: no credentials for the subject: " + err.Error()
				out[i].Changes = append(out[i].Changes, ch)
			}
			continue
		}
		dos[d.Subject.Key()] = r.checkFunc(subject)
		for _, c := range checks {
			all = append(all, c)
			owner = append(owner, i)
		}
	}
	do := func(ctx context.Context, c matrix.Check) access.Result { return dos[c.Subject.Key()](ctx, c) }
	results, _ := matrix.Run(ctx, all, Workers, do)
	r.recheckFailing(ctx, all, results, do)
	for j, c := range all {
		i := owner[j]
		ch := r.change(c, head, base)
		row := report.RowOf(c, results[j])
		if !row.Failed() {
			ch.Confirmed = cellsText(row)
		} else {
			ch.Confirmed = "NOT confirmed: " + cellsText(row)
			out[i].Unconfirmed = append(out[i].Unconfirmed, fmt.Sprintf("%s %s: the sweep's review says so, the wire does not (%s)", ch.Sign(), permissionOf(c), cellsText(row)))
		}
		out[i].Changes = append(out[i].Changes, ch)
	}
	return out, nil
}

// change is a difference's report entry, with its granting paths.
func (r *Run) change(c matrix.Check, head, base *rbacpath.Resolver) report.Change {
	p := permissionOf(c)
	ch := report.Change{Gained: c.Allowed, Permission: permissionText(p), Scope: report.ScopeOf(p.Namespace)}
	if res := resolverFor(ch.Gained, head, base); res != nil {
		ch.Path = pathsText(res.Paths(rbacpath.IdentityOf(c.Subject), p))
	}
	return ch
}

func resolverFor(gained bool, head, base *rbacpath.Resolver) *rbacpath.Resolver {
	if gained {
		return head
	}
	return base
}

func permissionOf(c matrix.Check) effective.Permission {
	return effective.Permission{Verb: c.Verb, Group: c.Resource.Group, Version: c.Resource.Version, Resource: c.Resource.Resource,
		Subresource: c.Subresource, Name: c.Name, Namespace: c.Namespace, URL: c.URL}
}

// permissionText is a permission without its scope (the scope has a column).
func permissionText(p effective.Permission) string {
	return p.Verb + " " + report.ResourceLabel(p.Group, p.Resource, p.Subresource, p.Name, p.URL)
}

func pathsText(ps []rbacpath.Path) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.String())
	}
	return strings.Join(s, "; ")
}

// cellsText is what each channel and the review got for a row.
func cellsText(row report.Row) string {
	var s []string
	for _, c := range row.Cells {
		s = append(s, c.Name+": "+c.Got)
	}
	return strings.Join(s, ", ")
}
