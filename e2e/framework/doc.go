// Package framework gives each spec a fresh namespace, the cluster's clients
// and the access checker, and removes what the spec made even when it fails;
// a failed spec's objects are written to its forensics folder first.
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first).
//   - e2e/framework/access
//   - e2e/framework/cluster
//   - e2e/framework/forensics
//   - e2e/framework/identity
//   - e2e/framework/manifest
//   - e2e/framework/probe
//   - e2e/framework/secrets
package framework
