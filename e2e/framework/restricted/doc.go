// Package restricted is what the suite's own Pods are made of so that they
// run unchanged on a cluster that enforces Pod Security "restricted" and on
// any kind node image without a registry.
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first; never Ginkgo or Gomega, never e2e/framework).
//   - none
package restricted
