package gate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/audit"
	"rbac-e2e/e2e/framework/effective"
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
	applied      []manifest.Applied // everything applied, for Close
	current      []manifest.Applied // the last apply's
	impersonator access.Subject
	step         int                           // inEffect's markers so far
	namespace    string                        // the gate's own namespace
	self         rbacv1.Subject                // the impersonator
	undo         []func(context.Context) error // the gate's own objects, in reverse

	api      effective.API // what the last sweep's discovery served
	base     *State        // at the base revision, when Input.Base is set
	headOnce sync.Once
	head     *State
	headErr  error
	// bg runs Prefetch's sweep past the caller's context; Close ends it.
	bg       context.Context
	stopBg   context.CancelFunc
	prefetch chan struct{}
	fetched  map[string]*subjectFetch // PrefetchSubjects', by subject key (under mu)
	fetching sync.WaitGroup

	mu              sync.Mutex
	snapshotChanges []SubjectChanges
	diff            *Diff
	findings        []report.Finding
	findingsDone    bool
	auditOnce       sync.Once
	audit           []audit.Finding
	auditErr        error
	// findingsBySubject are the audit's findings per subject key.
	findingsBySubject map[string][]report.Finding
	subjects          map[string]*subjectReport
	reports           []report.Matrix
	failed            bool
}

// Start checks the input against the cluster (served resources, no probe
// object), applies the manifests and makes the impersonator, returning
// once the authorizer sees the manifests' RBAC. The Run it returns is
// never nil: Close it also when Start failed, to remove what was applied.
func Start(ctx context.Context, in Input) (*Run, error) {
	in.defaults()
	r := &Run{In: in}
	r.bg, r.stopBg = context.WithCancel(context.WithoutCancel(ctx))
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
	if r.impersonator, err = r.newImpersonator(ctx); err != nil {
		return r, err
	}
	if in.Base != nil {
		if err := r.apply(ctx, in.Base); err != nil {
			return r, fmt.Errorf("the manifests at the base: %w", err)
		}
		in.logf("sweeping the effective access at the base\n")
		if r.base, err = r.sweepState(ctx); err != nil {
			return r, fmt.Errorf("sweeping the base: %w", err)
		}
	}
	if in.AppliedByParent {
		return r, r.findApplied(ctx, in.Manifests)
	}
	if err := r.apply(ctx, in.Manifests); err != nil {
		return r, err
	}
	return r, nil
}

// findApplied takes objs as another run applied them, and waits like
// apply until the authorizer sees RBAC made after them. Close leaves them.
func (r *Run) findApplied(ctx context.Context, objs []manifest.Object) error {
	if r.In.Base != nil {
		return fmt.Errorf("a gate run on manifests another run applied cannot apply a base first")
	}
	found, err := r.applier.Present(ctx, objs)
	if err != nil {
		return fmt.Errorf("the manifests the parent run applied: %w", err)
	}
	r.current = found
	r.In.logf("the parent run applied the %d manifest objects; this run applies and removes none\n", len(found))
	r.Applied = time.Now()
	r.step++
	return r.inEffect(ctx, r.step)
}

// apply applies objs, removes what an earlier apply of this run made that
// objs no longer has, and waits until the authorizer sees the result.
func (r *Run) apply(ctx context.Context, objs []manifest.Object) error {
	applied, err := r.applier.Apply(ctx, objs)
	earlier := r.applied
	r.applied = append(slices.Clone(earlier), applied...) // Close removes both (NotFound is fine)
	if err != nil {
		return err
	}
	r.current = applied
	if gone := notIn(earlier, applied); len(gone) > 0 {
		r.In.logf("removing %d objects the new manifests no longer have\n", len(gone))
		if err := r.applier.Delete(ctx, gone, 3*time.Minute); err != nil {
			return err
		}
	}
	r.Applied = time.Now()
	r.step++
	return r.inEffect(ctx, r.step)
}

// notIn is what of earlier later does not name.
func notIn(earlier, later []manifest.Applied) []manifest.Applied {
	key := func(a manifest.Applied) string {
		return a.Resource.String() + "/" + a.GetNamespace() + "/" + a.GetName()
	}
	have := map[string]bool{}
	for _, a := range later {
		have[key(a)] = true
	}
	var out []manifest.Applied
	for _, a := range earlier {
		if !have[key(a)] {
			out = append(out, a)
		}
	}
	return out
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
	r.stopBg()
	if r.prefetch != nil {
		<-r.prefetch
	}
	r.fetching.Wait()
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
	if err := r.writePages(); err != nil {
		errs = append(errs, err)
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
		// No wait for the namespaces to go: a next Apply waits for any still terminating.
		errs = append(errs, r.applier.Delete(ctx, r.applied, 0))
	}
	return errors.Join(errs...)
}

func (r *Run) addReport(m report.Matrix) {
	r.mu.Lock()
	r.reports = append(r.reports, m)
	r.mu.Unlock()
}
