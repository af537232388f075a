package e2e

import . "github.com/onsi/ginkgo/v2"

// longSpecs puts a container's specs ahead of the short ones (higher
// first): a parallel run ends with its longest spec, so the long ones
// (revocation waits out the token cache, in-pod specs start Pods) should
// start first, not last. The gate on its own cluster goes before all of
// them; the slow tier, when selected, before everything.
func longSpecs(priority int) SpecPriority { return SpecPriority(priority) }
