// Package gate is the RBAC gate's orchestration, without Ginkgo: apply a
// team's manifests, wait until the authorizer sees them, act as each
// subject with its real credentials (a TokenRequest token, or an
// impersonator's), check every row with a re-poll for what the controller
// manager derives later, and write the reports. Specs only declare.
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first; never Ginkgo or Gomega, never e2e/framework).
//   - e2e/framework/access
//   - e2e/framework/audit
//   - e2e/framework/effective
//   - e2e/framework/identity
//   - e2e/framework/manifest
//   - e2e/framework/matrix
//   - e2e/framework/rbacpath
//   - e2e/framework/report
package gate
