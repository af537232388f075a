package gate

import (
	"strings"
	"testing"

	"rbac-e2e/e2e/framework/effective"
	"rbac-e2e/e2e/framework/matrix"
	"rbac-e2e/e2e/framework/report"
)

func TestPageTakesTheSnapshotsVerdictOnceThenTheDiff(t *testing.T) {
	s := matrix.Subject{ServiceAccount: "a/b"}
	gained := report.Change{Gained: true, Permission: "get secrets", Scope: "cluster"}
	r := &Run{In: Input{Snapshot: "fixtures/snapshot"},
		head: &State{Access: effective.Snapshot{{Subject: s, Allowed: []effective.Permission{{Verb: "get", Version: "v1", Resource: "pods"}}}}},
		diff: &Diff{Base: "origin/main", Subjects: []DiffSubject{{Subject: s.String(), Changes: []report.Change{gained}}}},
	}
	p := r.page(s)
	if len(p.Changes) != 1 || p.Failed || !strings.Contains(strings.Join(p.Summary, "\n"), "against the base (origin/main): 1 permissions differ") {
		t.Errorf("diff only: %+v", p)
	}
	r.snapshotChanges = []SubjectChanges{{Subject: s, Changes: []report.Change{gained}}}
	p = r.page(s)
	if len(p.Changes) != 1 || !p.Failed || !strings.Contains(strings.Join(p.Summary, "\n"), "against the snapshot (fixtures/snapshot)") {
		t.Errorf("snapshot and diff: %+v", p)
	}
	md := p.Markdown()
	if !strings.Contains(md, "| secrets | **✔**⚠ |") || !strings.Contains(md, "| pods | ✔ |") {
		t.Errorf("grid:\n%s", md)
	}
}
