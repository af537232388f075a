// Package rbacpath explains an RBAC grant: given a cluster's RBAC objects, a
// subject and one permission, it returns every path that grants it —
// binding → role → rule, with ClusterRole aggregation shown. It applies
// RBAC's own matching rules, and never imports Ginkgo.
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first; never Ginkgo or Gomega, never e2e/framework).
//   - e2e/framework/effective
//   - e2e/framework/matrix
package rbacpath
