package framework

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"rbac-e2e/e2e/framework/access"
)

// TokenCacheTTL is how long the apiserver caches a token's authentication
// result: an outcome that must last has to outlive it.
const TokenCacheTTL = 10 * time.Second

// ConsistentlyAccess checks the request again and again for duration and
// fails the spec as soon as one check misses, for outcomes that must last
// (a revoked token stays revoked).
func (f *Framework) ConsistentlyAccess(ctx context.Context, duration time.Duration, s access.Subject, r access.Request, e access.Expectation) {
	GinkgoHelper()
	Consistently(ctx, func(ctx context.Context) error {
		return f.Checker.Check(ctx, s, r, e)
	}).WithTimeout(duration).WithPolling(time.Second).Should(Succeed())
}
