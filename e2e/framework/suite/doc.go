// Package suite is the run's plumbing, which no spec calls: the settings
// (E2E_* variables and flags) and the scaled Timeouts; the Environment a
// run builds once per process (clients, run ID, the objects' labels, the
// Timeouts and the Options every Framework follows); the cluster's
// readiness and its diagnosis; the run locks; the sweep and the kept
// objects it spares; the events export; the closing not-verified summary;
// and the repository's paths.
//
// The rule: what runs once per run or process, before or after the specs,
// or outside a spec (cmd/sweep), lives here; what a spec calls lives in
// e2e/framework, which builds on this package and never the other way
// round. Like every library, it returns errors and never imports Ginkgo or
// Gomega; it reads no package-level variable a caller set (the Environment
// carries the run's state).
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first; never Ginkgo or Gomega, never e2e/framework).
//   - e2e/framework/access
//   - e2e/framework/cluster
//   - e2e/framework/forensics
//   - e2e/framework/secrets
package suite
