// Package secrets keeps credentials out of everything the suite prints or
// writes: it redacts bodies and strings before they are stored, and scans
// what a run wrote for the tokens it minted or read.
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first; never Ginkgo or Gomega, never e2e/framework).
//   - none
package secrets
