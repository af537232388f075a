// Package access describes API requests once and makes them through two
// channels (client-go and plain net/http) plus an access review, so a spec
// can say who asks what and what must come back.
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first; never Ginkgo or Gomega, never e2e/framework).
//   - e2e/framework/secrets
package access
