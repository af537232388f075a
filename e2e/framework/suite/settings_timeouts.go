package suite

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
)

// registerTimeoutFlags binds the bounds of the suite's waits (Timeouts) and
// the keep-on-failure switch.
func (s *Settings) registerTimeoutFlags(fs *flag.FlagSet) {
	d := DefaultTimeouts()
	t := &s.Timeouts
	fs.DurationVar(&t.RBAC, "rbac-timeout", envDuration("E2E_RBAC_TIMEOUT", d.RBAC), "how long a change to RBAC may take to reach the authorizer (E2E_RBAC_TIMEOUT)")
	fs.DurationVar(&t.Revocation, "revocation-timeout", envDuration("E2E_REVOCATION_TIMEOUT", d.Revocation), "how long a revoked token may still authenticate (E2E_REVOCATION_TIMEOUT)")
	fs.DurationVar(&t.Controller, "controller-timeout", envDuration("E2E_CONTROLLER_TIMEOUT", d.Controller), "how long the cluster's controllers may take: a ServiceAccount seen, a token Secret filled, kube-root-ca.crt published (E2E_CONTROLLER_TIMEOUT)")
	fs.DurationVar(&t.Probe, "probe-timeout", envDuration("E2E_PROBE_TIMEOUT", d.Probe), "how long an in-pod probe may take to start and report (E2E_PROBE_TIMEOUT)")
	fs.DurationVar(&t.Namespace, "namespace-timeout", envDuration("E2E_NAMESPACE_TIMEOUT", d.Namespace), "how long swept namespaces may take to go (E2E_NAMESPACE_TIMEOUT)")
	fs.DurationVar(&t.Poll, "poll-interval", envDuration("E2E_POLL_INTERVAL", d.Poll), "how often a wait asks again (E2E_POLL_INTERVAL; not scaled)")
	fs.Float64Var(&t.Scale, "timeout-scale", envFloat("E2E_TIMEOUT_SCALE", d.Scale), "multiplies every timeout, e.g. 2 for a slow real cluster (E2E_TIMEOUT_SCALE)")
	fs.BoolVar(&s.KeepOnFailure, "keep-on-failure", envBool("E2E_KEEP_ON_FAILURE"), "keep a failed spec's namespaces and cluster-wide RBAC for a look; the end-of-run sweep spares them, the next run's start sweep or make sweep removes them (E2E_KEEP_ON_FAILURE)")
}

// ScaledTimeouts are the bounds the specs use: the settings times the scale.
func (s *Settings) ScaledTimeouts() Timeouts { return s.Timeouts.Resolved() }

// validateTimeouts rejects negative bounds; 0 stands for the default.
func (s *Settings) validateTimeouts() error {
	t := s.Timeouts
	var errs []error
	if t.Scale < 0 {
		errs = append(errs, fmt.Errorf("E2E_TIMEOUT_SCALE (--timeout-scale) is %g: it must be above 0 (0 is the default, 1)", t.Scale))
	}
	for _, b := range []struct {
		name string
		d    time.Duration
	}{
		{"E2E_RBAC_TIMEOUT", t.RBAC}, {"E2E_REVOCATION_TIMEOUT", t.Revocation}, {"E2E_CONTROLLER_TIMEOUT", t.Controller},
		{"E2E_PROBE_TIMEOUT", t.Probe}, {"E2E_NAMESPACE_TIMEOUT", t.Namespace}, {"E2E_POLL_INTERVAL", t.Poll},
	} {
		if b.d < 0 {
			errs = append(errs, fmt.Errorf("%s is %s: it must be above 0 (0 is the default)", b.name, b.d))
		}
	}
	return errors.Join(errs...)
}

// envFloat is def when the variable is unset or unparsable.
func envFloat(name string, def float64) float64 {
	v, err := strconv.ParseFloat(os.Getenv(name), 64)
	if err != nil {
		return def
	}
	return v
}
