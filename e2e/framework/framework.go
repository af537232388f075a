// Package framework gives each spec a fresh namespace, the cluster's clients
// and the access checker, and removes what the spec made even when it fails.
package framework

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/access"
)

// Bounds for eventual consistency: RBAC changes reach the authorizer's cache
// within about a second; token revocations within the apiserver's 10 s cache
// of successful authentications.
const (
	PollInterval      = 250 * time.Millisecond
	RBACTimeout       = 30 * time.Second
	RevocationTimeout = 45 * time.Second
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

// ExpectAccess checks a request through both channels (and the access review)
// now, failing the spec with the whole story when anything differs.
func (f *Framework) ExpectAccess(ctx context.Context, s access.Subject, r access.Request, e access.Expectation) {
	GinkgoHelper()
	if err := f.Checker.Check(ctx, s, r, e); err != nil {
		Fail(err.Error())
	}
}

// EventuallyAccess polls the check until it passes or timeout ends, for
// expectations that follow a change to RBAC or tokens.
func (f *Framework) EventuallyAccess(ctx context.Context, timeout time.Duration, s access.Subject, r access.Request, e access.Expectation) {
	GinkgoHelper()
	Eventually(ctx, func(ctx context.Context) error {
		return f.Checker.Check(ctx, s, r, e)
	}).WithTimeout(timeout).WithPolling(PollInterval).Should(Succeed())
}
