package gate

import (
	"context"
	"fmt"
	"strings"

	"rbac-e2e/e2e/framework/effective"
	"rbac-e2e/e2e/framework/rbacpath"
)

// SnapshotError is effective access that differs from the recording: per
// subject what was gained and lost, each confirmed on the wire.
type SnapshotError struct {
	Dir      string
	Subjects []SubjectChanges
}

func (e *SnapshotError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the cluster's effective access differs from the snapshot in %s (record the change with make snapshot once it is intended):\n", e.Dir)
	n := 0
	for _, s := range e.Subjects {
		fmt.Fprintf(&b, "\n%s: %d permissions differ\n", s.Subject, len(s.Changes))
		for _, c := range s.Changes {
			if n++; n > MessageRows {
				continue
			}
			fmt.Fprintf(&b, "  %s %s (%s)\n      granted by: %s\n      on the wire: %s\n", c.Sign(), c.Permission, scopeText(c.Scope), orNone(c.Path), c.Confirmed)
		}
	}
	if n > MessageRows {
		fmt.Fprintf(&b, "\n(%d differences in all; the first %d are spelled out here, every one in the subjects' pages and diff reports)\n", n, MessageRows)
	}
	return b.String()
}

func (e *SnapshotError) GomegaString() string {
	n := 0
	for _, s := range e.Subjects {
		n += len(s.Changes)
	}
	return fmt.Sprintf("(%d subjects, %d permissions differ from %s)", len(e.Subjects), n, e.Dir)
}

func scopeText(scope string) string {
	if scope == "cluster" {
		return "cluster scope"
	}
	return "namespace " + scope
}

func orNone(s string) string {
	if s == "" {
		return "no RBAC path found"
	}
	return s
}

// CompareSnapshot sweeps the cluster (once per run) and compares it with
// the recorded snapshot; a difference is confirmed through both channels
// and returned as a *SnapshotError.
func (r *Run) CompareSnapshot(ctx context.Context) error {
	head, err := r.Head(ctx)
	if err != nil {
		return err
	}
	recorded, err := effective.LoadSnapshot(r.In.Snapshot)
	if err != nil {
		return fmt.Errorf("the recorded snapshot: %w", err)
	}
	changes, err := r.changes(ctx, recorded, head, nil)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.snapshotChanges = changes
	r.mu.Unlock()
	if len(changes) > 0 {
		return &SnapshotError{Dir: r.In.Snapshot, Subjects: changes}
	}
	r.In.logf("effective access equals the snapshot in %s (%d subjects)\n", r.In.Snapshot, len(head.Access))
	return nil
}

// WriteSnapshot records the cluster's effective access into the snapshot folder.
func (r *Run) WriteSnapshot(ctx context.Context) error {
	head, err := r.Head(ctx)
	if err != nil {
		return err
	}
	if err := effective.WriteSnapshot(r.In.Snapshot, head.Access); err != nil {
		return err
	}
	r.In.logf("snapshot of %d subjects written to %s\n", len(head.Access), r.In.Snapshot)
	return nil
}

// changes confirms every non-empty difference from recorded to head.
func (r *Run) changes(ctx context.Context, recorded effective.Snapshot, head, base *State) ([]SubjectChanges, error) {
	headPaths := rbacpath.New(head.RBAC)
	var basePaths *rbacpath.Resolver
	if base != nil {
		basePaths = rbacpath.New(base.RBAC)
	}
	var diffs []effective.SubjectDiff
	for _, d := range effective.Diff(recorded, head.Access) {
		if len(d.Gained) > 0 || len(d.Lost) > 0 {
			diffs = append(diffs, d)
		}
	}
	return r.confirmAll(ctx, diffs, headPaths, basePaths)
}
