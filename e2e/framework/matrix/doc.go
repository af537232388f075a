// Package matrix loads access-matrix fixtures: who (a ServiceAccount, or a
// user and groups reached through impersonation) may or may not make which
// request. Files are validated completely before anything touches a
// cluster, and every error names the file, the line and the field.
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first; never Ginkgo or Gomega, never e2e/framework).
//   - e2e/framework/access
package matrix
