package e2e

import . "github.com/onsi/ginkgo/v2"

// longSpecs puts specs ahead of shorter ones (higher first; the innermost
// container or spec that sets one wins). A parallel run ends with its
// longest chain, so the long specs must start first, not last: make runs
// ginkgo with --randomize-all, which makes each spec its own group to
// order. Today's order, from timed runs on a reused kind cluster: the
// slow tier (a real 600 s token) 200; the gate on its own cluster 100
// (~15 s of Ordered specs); POD-2, POD-3 and the in-pod AUTHZ-3 60 (7-14
// s: two Pods each); AUTHN-6 50 (~10 s: it shows the token cache's
// bound); AUTHZ-6 45 (1,320 requests); the other in-pod specs 40 (one Pod
// each: all seven Pods starting at once made POD-2 and POD-3 take 27-29 s,
// against 7-12 s staggered); the other role specs 20.
func longSpecs(priority int) SpecPriority { return SpecPriority(priority) }
