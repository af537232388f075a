// Package probe builds the in-pod probe (rbac-e2e/e2e/probe) into an image
// without a registry or a Docker build, loads it into the kind nodes, and
// runs it in Pods whose logs it reads back as wire.Lines.
//
// Imports of this module it may have (e2e/framework/layering checks them: a
// new import changes this list first; never Ginkgo or Gomega, never e2e/framework).
//   - e2e/framework/access
//   - e2e/framework/forensics
//   - e2e/framework/restricted
//   - e2e/framework/secrets
//   - e2e/probe/wire
package probe
