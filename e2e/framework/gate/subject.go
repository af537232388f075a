package gate

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/identity"
	"rbac-e2e/e2e/framework/matrix"
)

// Subject is the identity a subject's checks are made with: a fresh
// TokenRequest token for a ServiceAccount, or the impersonator's token
// acting as the user and groups. Impersonation is proven in effect on both
// channels first (a SelfSubjectReview must name the user), so a refused
// impersonation can never pass for a denial.
func (r *Run) Subject(ctx context.Context, s matrix.Subject) (access.Subject, error) {
	admin := r.In.Admin
	if s.IsServiceAccount() {
		ns, name := s.NamespaceName()
		if err := identity.WaitForServiceAccount(ctx, admin, ns, name, 30*time.Second); err != nil {
			return access.Subject{}, fmt.Errorf("subject of %s: %w", s.Pos, err)
		}
		tok, _, err := identity.RequestToken(ctx, admin, ns, name)
		if err != nil {
			return access.Subject{}, fmt.Errorf("subject of %s: %w", s.Pos, err)
		}
		return tok, nil
	}
	as := r.impersonator.Impersonating(s.User, s.Groups...)
	review := access.On("create", "authentication.k8s.io", "v1", "selfsubjectreviews").
		WithBody([]byte(`{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}`))
	err := r.eventually(ctx, func(ctx context.Context) error {
		bodies, err := r.In.Checker.Bodies(ctx, as, review)
		if err != nil {
			return err
		}
		for ch, body := range bodies {
			var ssr struct {
				Status struct {
					UserInfo struct {
						Username string   `json:"username"`
						Groups   []string `json:"groups"`
					} `json:"userInfo"`
				} `json:"status"`
			}
			if err := json.Unmarshal(body, &ssr); err != nil {
				return fmt.Errorf("%s: SelfSubjectReview: %w", ch, err)
			}
			u := ssr.Status.UserInfo
			if u.Username != s.User || !containsAll(u.Groups, s.Groups) {
				return fmt.Errorf("%s: impersonating %s, the server sees user %q groups %q", ch, s, u.Username, u.Groups)
			}
		}
		return nil
	})
	if err != nil {
		return access.Subject{}, fmt.Errorf("impersonation for %s (within %s): %w", s.Pos, r.In.RBACTimeout, err)
	}
	return as, nil
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
