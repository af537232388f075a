// Package anonymous finds out what a cluster's kube-apiserver does with a
// request that carries no credentials at all, from its command line and
// authentication configuration file, not from the request under test.
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first; never Ginkgo or Gomega, never e2e/framework).
//   - none
package anonymous
