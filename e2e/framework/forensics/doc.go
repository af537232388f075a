// Package forensics writes what a failed spec leaves behind, before its
// clean-up deletes it: the events, ServiceAccounts, Roles and RoleBindings of
// its namespaces and the cluster-scoped RBAC it labelled, into a folder named
// after the spec; and it marks those objects as kept when a failed spec's
// objects are to stay for a look.
//
// It never reads a Secret, and everything it writes goes through
// secrets.Redact. It imports client-go and the suite's secrets package only:
// never Ginkgo, Gomega or rbac-e2e/e2e/framework (which wires it to specs).
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first; never Ginkgo or Gomega, never e2e/framework).
//   - e2e/framework/secrets
package forensics
