// Package identity makes the credentials specs act with: ServiceAccounts and
// their tokens, and client certificates (through the CSR API, or signed by
// a CA the suite holds).
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first; never Ginkgo or Gomega, never e2e/framework).
//   - e2e/framework/access
//   - e2e/framework/secrets
package identity
