// Package report writes the human-readable access-matrix reports: one
// Markdown file per subject, failures first, and a summary of the run.
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first; never Ginkgo or Gomega, never e2e/framework).
//   - e2e/framework/access
//   - e2e/framework/matrix
package report
