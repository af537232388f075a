// Command probe runs in a Pod of the suite and reports, one JSON line per
// attempt, what its ServiceAccount gets there: the mounted credentials and
// the KUBERNETES_* variables, and API requests made through
// rest.InClusterConfig() (a typed clientset) and through plain net/http with
// the mounted token and ca.crt. See wire.Args for its command line.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"rbac-e2e/e2e/probe/wire"
)

func main() {
	args, err := wire.Parse("probe", os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	p := &probe{args: args, out: newReporter(os.Stdout)}
	os.Exit(p.run(ctx))
}

type probe struct {
	args     wire.Args
	out      *reporter
	clientGo *clientGoChannel // set up on first use
	http     *httpChannel     // set up on first use
}

// run runs the jobs once, or every args.Every for at most args.For. With
// -exit-on-error it stops with status 1 at the first failed request, the way
// the seed document's program panics.
func (p *probe) run(ctx context.Context) int {
	deadline := time.Now().Add(p.args.For)
	for {
		for _, job := range p.args.Jobs {
			p.runJob(ctx, job)
			if failed := p.out.firstFailure(); failed != nil && p.args.ExitOnError {
				fmt.Fprintf(os.Stderr, "probe: %s %s: %s\n", failed.Action, failed.Target, failed.Message)
				return 1
			}
		}
		if p.args.Every == 0 || time.Now().Add(p.args.Every).After(deadline) {
			return 0
		}
		select {
		case <-ctx.Done():
			return 0
		case <-time.After(p.args.Every):
		}
	}
}

func (p *probe) runJob(ctx context.Context, job string) {
	switch job {
	case wire.JobFiles:
		reportFiles(p.out)
	case wire.JobEnv:
		reportEnv(p.out)
	case wire.JobHealthz:
		p.request(ctx, []string{wire.ChannelHTTP}, wire.Healthz())
	case wire.JobWhoAmI:
		p.request(ctx, p.args.Channels, wire.SelfSubjectReview())
	case wire.JobListPods:
		p.request(ctx, p.args.Channels, wire.ListPods(p.args.Namespace))
	case wire.JobDeployment:
		ns := p.args.Namespace
		if ns == "" {
			ns = mountedNamespace()
		}
		p.request(ctx, p.args.Channels, wire.DeploymentSteps(ns, p.args.Deployment)...)
	}
}
