package gate

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/identity"
	"rbac-e2e/e2e/framework/matrix"
)

// Subject is the identity a subject's checks are made with: a fresh
// TokenRequest token for a ServiceAccount; for a user, a real client
// certificate (CN = user, O = groups) issued through the CSR API where the
// cluster signs client certificates, and otherwise the impersonator's token
// acting as the user and groups. Either is proven on both channels first (a
// SelfSubjectReview must name the user and groups), so a refused identity
// can never pass for a denial. The subject's String says which it is.
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
	cert, err := r.certificateFor(ctx, s)
	if err == nil {
		err = r.proveIdentity(ctx, s, cert)
	}
	if err == nil {
		r.In.logf("%s acts with a client certificate issued through the CSR API: %s\n", s, cert)
		return cert, nil
	}
	as := r.impersonator.Impersonating(s.User, s.Groups...)
	r.In.logf("%s acts through impersonation (no client certificate: %v)\n", s, err)
	if err := r.proveIdentity(ctx, s, as); err != nil {
		return access.Subject{}, fmt.Errorf("impersonation for %s (within %s): %w", s.Pos, r.In.RBACTimeout, err)
	}
	return as, nil
}

// certificateFor has the cluster sign a client certificate for a user
// subject (its CSR labelled as the gate's objects, and deleted when the
// gate closes).
func (r *Run) certificateFor(ctx context.Context, s matrix.Subject) (access.Subject, error) {
	if strings.HasPrefix(s.User, serviceAccountUserPrefix) {
		// `--as system:serviceaccount:ns:name` acts as that account, with its
		// groups; a certificate of that name would be a plain user.
		return access.Subject{}, fmt.Errorf("%q is a ServiceAccount's user name, which impersonation acts as", s.User)
	}
	name := identity.CSRName(s.User)
	r.mu.Lock()
	r.undo = append(r.undo, func(ctx context.Context) error { return identity.DeleteCSR(ctx, r.In.Admin, name) })
	r.mu.Unlock()
	return identity.ClientCertificateFor(ctx, r.In.Admin, identity.CertificateRequest{
		Name: name, User: s.User, Groups: s.Groups, Labels: r.In.Labels, Timeout: 15 * time.Second,
	})
}

// proveIdentity polls a SelfSubjectReview on both channels until the server
// sees the subject's user and groups.
func (r *Run) proveIdentity(ctx context.Context, s matrix.Subject, as access.Subject) error {
	review := access.On("create", "authentication.k8s.io", "v1", "selfsubjectreviews").
		WithBody([]byte(`{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}`))
	return r.eventually(ctx, func(ctx context.Context) error {
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
				return fmt.Errorf("%s: acting as %s (%s), the server sees user %q groups %q", ch, s, as, u.Username, u.Groups)
			}
		}
		return nil
	})
}

const serviceAccountUserPrefix = "system:serviceaccount:"

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
