// Package framework gives each spec a fresh namespace, the cluster's clients
// and the access checker, and removes what the spec made even when it fails.
package framework

import (
	. "github.com/onsi/ginkgo/v2"
	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/access"
)

// Framework is a spec's view of the cluster: its own namespace and clients.
type Framework struct {
	BaseName  string
	Namespace string
	Admin     kubernetes.Interface
	Checker   *access.Checker
}

// New registers a BeforeEach that gives every spec of the container a fresh,
// labelled namespace, deleted when the spec ends whatever its outcome.
func New(baseName string) *Framework {
	f := &Framework{BaseName: baseName}
	BeforeEach(func(ctx SpecContext) {
		f.Admin, f.Checker = Env.Admin, Env.Checker
		f.Namespace = f.CreateNamespace(ctx, baseName)
	})
	return f
}
