// Package manifest loads the RBAC under test (manifests/*.yaml) and applies
// it to a cluster with server-side apply, then removes exactly what it
// applied.
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first; never Ginkgo or Gomega, never e2e/framework).
//   - e2e/framework/matrix
package manifest
