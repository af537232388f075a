// Package framework is what a spec calls: Framework gives each spec a fresh
// namespace, the cluster's clients and the access checker from the run's
// suite.Environment (New takes a func returning it; no helper reads a
// package-level variable), the expectations (ExpectAccess, EventuallyAccess,
// …), the RBAC helpers, fixtures applied through manifest.Applier, probe
// Pods, ServiceAccounts, tokens, token Secrets and client certificates, each
// a Ginkgo step; and it removes what the spec made even when it fails, after
// writing a failed spec's objects to its forensics folder.
//
// The rule: a helper that needs a spec (its namespace, its labels, its
// clean-up, Ginkgo's By and Gomega's Expect) lives here; the run's plumbing
// (settings, environment, readiness, locks, sweep, events export, summary)
// lives in e2e/framework/suite, and the Ginkgo-free libraries under
// e2e/framework/* never import this package.
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first).
//   - e2e/framework/access
//   - e2e/framework/forensics
//   - e2e/framework/identity
//   - e2e/framework/manifest
//   - e2e/framework/probe
//   - e2e/framework/suite
package framework
