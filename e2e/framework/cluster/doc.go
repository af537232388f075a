// Package cluster brings up the suite's kind cluster through kind's library:
// create, reuse, delete, logs, and commands on its nodes.
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first; never Ginkgo or Gomega, never e2e/framework).
//   - none
package cluster
