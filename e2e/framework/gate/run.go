package gate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/manifest"
	"rbac-e2e/e2e/framework/matrix"
	"rbac-e2e/e2e/framework/report"
)

// Run is one gate run on a cluster: the manifests applied, the
// impersonator made, and the reports written so far. Close undoes it.
type Run struct {
	In Input

	Applied    time.Time                      // when the manifests were applied
	aggregated map[schema.GroupVersion]string // group versions served by aggregated API servers

	applier      *manifest.Applier
	applied      []manifest.Applied
	impersonator access.Subject
	undo         []func(context.Context) error // the gate's own objects, in reverse

	mu      sync.Mutex
	reports []report.Matrix
	failed  bool
}

// Start checks the input against the cluster (served resources, no probe
// object), applies the manifests and makes the impersonator, returning
// once the authorizer sees the manifests' RBAC. The Run it returns is
// never nil: Close it also when Start failed, to remove what was applied.
func Start(ctx context.Context, in Input) (*Run, error) {
	in.defaults()
	r := &Run{In: in}
	if err := os.RemoveAll(in.ReportDir()); err != nil { // this run's reports only
		return r, err
	}
	api, err := matrix.Discover(in.Admin.Discovery())
	if err != nil {
		return r, err
	}
	if err := in.Matrix.CheckServed(api); err != nil {
		return r, fmt.Errorf("the access matrix names what the cluster does not serve: %w", err)
	}
	if err := noProbeObject(ctx, in.Dynamic, in.Matrix.Checks); err != nil {
		return r, err
	}
	if r.aggregated, err = matrix.Aggregated(ctx, in.Dynamic); err != nil {
		return r, fmt.Errorf("listing APIServices: %w", err)
	}
	r.applier = &manifest.Applier{
		Dynamic: in.Dynamic, Discovery: in.Admin.Discovery(), FieldManager: FieldManager,
		Labels: in.Labels, OwnedLabel: in.OwnedLabel, OwnedValue: in.OwnedValue, Log: in.Log,
	}
	r.applied, err = r.applier.Apply(ctx, in.Manifests)
	if err != nil {
		return r, err
	}
	r.Applied = time.Now()
	r.impersonator, err = r.newImpersonator(ctx)
	return r, err
}

// MarkFailed records that a spec of the gate failed, so Close exports the
// cluster's events.
func (r *Run) MarkFailed() {
	r.mu.Lock()
	r.failed = true
	r.mu.Unlock()
}

// Close exports the events when anything failed (before the manifests'
// namespaces go), writes the summary, and removes the gate's own objects
// and every applied one.
func (r *Run) Close(ctx context.Context) error {
	var errs []error
	r.mu.Lock()
	failed, reports := r.failed, r.reports
	r.mu.Unlock()
	if failed && r.In.ExportEvents != nil {
		path := filepath.Join(r.In.ReportDir(), "events.txt")
		if err := r.In.ExportEvents(ctx, path); err != nil {
			r.In.logf("the cluster's events could not be exported: %v\n", err)
		}
	}
	if len(reports) > 0 {
		path, err := report.WriteSummary(r.In.ReportDir(), r.In.RunID, reports)
		if err != nil {
			errs = append(errs, err)
		} else {
			r.In.logf("gate summary: %s\n", path)
		}
	}
	for i := len(r.undo) - 1; i >= 0; i-- {
		errs = append(errs, r.undo[i](ctx))
	}
	if r.applier != nil {
		errs = append(errs, r.applier.Delete(ctx, r.applied, 3*time.Minute))
	}
	return errors.Join(errs...)
}

func (r *Run) addReport(m report.Matrix) {
	r.mu.Lock()
	r.reports = append(r.reports, m)
	r.mu.Unlock()
}
