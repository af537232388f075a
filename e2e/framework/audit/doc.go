// Package audit flags dangerous grants in a subject's effective access: the
// privilege-escalation risks of the Kubernetes "RBAC good practices" page,
// cluster-admin-equivalent wildcards, and bindings to the groups every
// client is in. Findings name subject, permission, scope, the granting path
// and the rule they hit; an allow-list accepts the ones a team means to
// keep. It never imports Ginkgo.
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first; never Ginkgo or Gomega, never e2e/framework).
//   - e2e/framework/effective
//   - e2e/framework/matrix
//   - e2e/framework/rbacpath
package audit
