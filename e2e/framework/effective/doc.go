// Package effective computes what a set of subjects may actually do on a
// cluster: it enumerates candidate permissions (discovery × verbs × scopes,
// names and URLs found in roles), asks the API server about each through
// SubjectAccessReviews, compacts the answers into access-matrix rows and
// diffs two such snapshots. It never imports Ginkgo.
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first; never Ginkgo or Gomega, never e2e/framework).
//   - e2e/framework/access
//   - e2e/framework/manifest
//   - e2e/framework/matrix
package effective
