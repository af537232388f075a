package framework

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/forensics"
	"rbac-e2e/e2e/framework/suite"
)

// Framework is a spec's view of the cluster: its own namespace and clients.
type Framework struct {
	BaseName  string
	Namespace string
	// Env is the run's environment (clients, run ID, timeouts, options),
	// taken anew for every spec from the func New was given.
	Env     *suite.Environment
	Admin   kubernetes.Interface
	Checker *access.Checker
	// Timeouts are Env's bounds of the spec's waits.
	Timeouts suite.Timeouts

	spec forensics.Spec
	// kept is set when the spec failed and its objects stay for a look:
	// the Framework's clean-ups then delete nothing.
	kept bool
}

// forensicsTimeout bounds writing a failed spec's forensics.
const forensicsTimeout = time.Minute

// New registers a BeforeEach that gives every spec of the container a fresh,
// labelled namespace, deleted when the spec ends whatever its outcome. env
// is asked for the run's environment before every spec (the suite sets it
// up before any spec runs, after the spec tree is built). When the spec
// fails, its objects are written to Options.Artifacts/specs/<spec>/ before
// any clean-up runs, and kept when Options.KeepOnFailure says so.
func New(baseName string, env func() *suite.Environment) *Framework {
	f := &Framework{BaseName: baseName}
	BeforeEach(func(ctx SpecContext) {
		f.Env = env()
		if f.Env == nil {
			Fail("framework.New(" + baseName + "): no environment: the suite's set-up has not made one")
		}
		f.Admin, f.Checker, f.Timeouts = f.Env.Admin, f.Env.Checker, f.Env.Timeouts
		r := CurrentSpecReport()
		f.spec = forensics.Spec{FullText: r.FullText(), LeafText: r.LeafNodeText, Labels: r.Labels()}
		f.Namespace, f.kept = "", false
		// Runs on the first failure, before JustAfterEach, AfterEach and
		// every DeferCleanup.
		DeferOnFailure(f.onFailure, NodeTimeout(forensicsTimeout))
		f.Namespace = f.CreateNamespace(ctx, baseName)
	})
	return f
}

// ObjectLabels are the labels of an object this spec makes: the run's and
// the spec's own, so the spec's forensics find it.
func (f *Framework) ObjectLabels() map[string]string {
	labels := f.Env.ObjectLabels()
	labels[suite.SpecLabel] = f.spec.ID()
	return labels
}

// specSelector selects what this spec labelled.
func (f *Framework) specSelector() string {
	return f.Env.RunSelector() + "," + suite.SpecLabel + "=" + f.spec.ID()
}

// DeleteWhenDone deletes an object the spec made when the spec ends (not
// found counts as deleted), unless the spec failed and its objects are kept.
func (f *Framework) DeleteWhenDone(del func(ctx context.Context) error) {
	DeferCleanup(func(ctx context.Context) error {
		if f.kept {
			return nil
		}
		return IgnoreNotFound(del(ctx))
	})
}

func (f *Framework) onFailure(ctx SpecContext) {
	r := CurrentSpecReport()
	opts := f.Env.Options
	dir := filepath.Join(suite.SpecsDir(opts.Artifacts), f.spec.DirName())
	scope := forensics.Scope{Selector: f.specSelector()}
	if f.Namespace != "" {
		scope.Namespaces = []string{f.Namespace}
	}
	found, err := forensics.Write(ctx, f.Admin, dir, scope, failureText(r, f.Env.RunID))
	msg := fmt.Sprintf("%s (%d objects: %s)", dir, len(found.Objects), strings.Join(found.Files, ", "))
	if err != nil {
		// The spec has failed already: an incomplete record is said, not failed on.
		msg += "\nincomplete: " + err.Error()
	}
	AddReportEntry("forensics of the failed spec", msg)
	if opts.KeepOnFailure && r.State.Is(types.SpecStateFailed|types.SpecStatePanicked|types.SpecStateTimedout) {
		f.keep(ctx, found)
	}
}

// keep leaves the failed spec's objects in place: the Framework's clean-ups
// skip them, and KeepLabel makes the end-of-run sweep spare them.
func (f *Framework) keep(ctx context.Context, found forensics.Found) {
	f.kept = true
	own := found.Own()
	var b strings.Builder
	fmt.Fprintf(&b, "E2E_KEEP_ON_FAILURE: kept %d objects of this failed spec (label %s=%s; the end-of-run sweep spares them, the next run's start sweep removes them):\n", len(own), suite.KeepLabel, suite.KeepValue)
	for _, o := range own {
		fmt.Fprintf(&b, "  %s\n", o)
	}
	if err := forensics.Keep(ctx, f.Admin, own, suite.KeepLabel, suite.KeepValue); err != nil {
		fmt.Fprintf(&b, "  (not all are labelled, the end-of-run sweep may remove those: %v)\n", err)
	}
	fmt.Fprintf(&b, "remove them with %s (everything the suite left on the cluster), or:\n", f.Env.Options.SweepCommand)
	for _, c := range forensics.DeleteCommands(own, f.Env.Kubeconfig()) {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	AddReportEntry("kept for a look", b.String())
}

// failureText heads a spec's forensics: which spec, where and how it failed.
func failureText(r SpecReport, runID string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "spec:     %s\n", r.FullText())
	fmt.Fprintf(&b, "labels:   %s\n", strings.Join(r.Labels(), ", "))
	fmt.Fprintf(&b, "location: %s\n", r.LeafNodeLocation)
	fmt.Fprintf(&b, "state:    %s (process %d, run %s)\n", r.State, r.ParallelProcess, runID)
	if r.Failure.Message != "" {
		fmt.Fprintf(&b, "failed at %s in %s:\n%s\n", r.Failure.Location, r.Failure.FailureNodeType, r.Failure.Message)
	}
	if steps := stepsText(r); steps != "" {
		fmt.Fprintf(&b, "\nsteps:\n%s", steps)
	}
	return b.String()
}

// stepsText is the spec's By steps so far, with their times.
func stepsText(r SpecReport) string {
	var b strings.Builder
	for _, e := range r.SpecEvents {
		if e.SpecEventType == types.SpecEventByStart {
			fmt.Fprintf(&b, "  %s %s\n", e.TimelineLocation.Time.Format("15:04:05.000"), e.Message)
		}
	}
	return b.String()
}
