package suite

import "time"

// Timeouts bound the suite's waits. The defaults fit a kind cluster on a
// small machine; Scale stretches every bound (not the poll interval: a slow
// cluster needs longer waits, not sparser polls) for slow real clusters.
type Timeouts struct {
	// Poll is how often an Eventually asks again.
	Poll time.Duration
	// RBAC bounds how long a change to RBAC may take to reach the
	// authorizer (about a second on kind).
	RBAC time.Duration
	// Revocation bounds how long a revoked token may still authenticate:
	// the apiserver caches successful authentications for 10 s.
	Revocation time.Duration
	// Controller bounds the cluster's controllers: a ServiceAccount seen,
	// a token Secret filled, kube-root-ca.crt published.
	Controller time.Duration
	// Probe bounds how long a probe Pod may take to start and report.
	Probe time.Duration
	// Namespace bounds how long swept namespaces may take to go.
	Namespace time.Duration
	// Scale multiplies every bound above but Poll, and the bounds specs
	// scale with Scaled.
	Scale float64
}

// DefaultTimeouts are the bounds with no setting given.
func DefaultTimeouts() Timeouts {
	return Timeouts{
		Poll:       250 * time.Millisecond,
		RBAC:       30 * time.Second,
		Revocation: 45 * time.Second,
		Controller: 30 * time.Second,
		Probe:      2 * time.Minute,
		Namespace:  3 * time.Minute,
		Scale:      1,
	}
}

// Resolved is the bounds with Scale applied (Scale stays, for Scaled's
// callers). A zero field is unset: it takes its default.
func (t Timeouts) Resolved() Timeouts {
	s, def := t, DefaultTimeouts()
	if s.Scale == 0 {
		s.Scale = def.Scale
	}
	if s.Poll == 0 {
		s.Poll = def.Poll
	}
	for _, b := range []struct{ d, def *time.Duration }{
		{&s.RBAC, &def.RBAC}, {&s.Revocation, &def.Revocation}, {&s.Controller, &def.Controller},
		{&s.Probe, &def.Probe}, {&s.Namespace, &def.Namespace},
	} {
		if *b.d == 0 {
			*b.d = *b.def
		}
		*b.d = scale(*b.d, s.Scale)
	}
	return s
}

func scale(d time.Duration, by float64) time.Duration {
	if by <= 0 {
		return d
	}
	return time.Duration(float64(d) * by)
}

// TokenCacheTTL is how long the apiserver caches a token's authentication
// result: an outcome that must last has to outlive it. A fact of the
// apiserver, not a bound: it is not scaled.
const TokenCacheTTL = 10 * time.Second

// Scaled is a bound of a spec's own (a literal) stretched by the timeout
// scale, like every bound of Timeouts.
func (t Timeouts) Scaled(d time.Duration) time.Duration { return scale(d, t.Scale) }
