package access

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"
)

// Impersonation is who a subject acts as: the Impersonate-User and
// Impersonate-Group headers of the HTTP channel, rest.Config.Impersonate of
// the client-go channel.
type Impersonation struct {
	User   string
	Groups []string
}

// Impersonating is the subject, with its own token, acting as another user
// (and groups). The server first decides whether the subject may
// impersonate, then authorizes the request as the impersonated user.
func (s Subject) Impersonating(user string, groups ...string) Subject {
	s.impersonate = &Impersonation{User: user, Groups: groups}
	return s
}

// Impersonated tells whom the subject impersonates, if anyone.
func (s Subject) Impersonated() (Impersonation, bool) {
	if s.impersonate == nil {
		return Impersonation{}, false
	}
	return *s.impersonate, true
}

func (s Subject) setImpersonationHeaders(h http.Header) {
	if s.impersonate == nil {
		return
	}
	h.Set("Impersonate-User", s.impersonate.User)
	for _, g := range s.impersonate.Groups {
		h.Add("Impersonate-Group", g)
	}
}

func (s Subject) restImpersonation() rest.ImpersonationConfig {
	if s.impersonate == nil {
		return rest.ImpersonationConfig{}
	}
	return rest.ImpersonationConfig{UserName: s.impersonate.User, Groups: s.impersonate.Groups}
}

// clientKey tells client-go clients apart: one token acting as itself and
// as someone else needs two clients.
func (s Subject) clientKey() string {
	if s.impersonate == nil {
		return s.token
	}
	return s.token + "\x00as\x00" + s.impersonate.User + "\x00" + strings.Join(s.impersonate.Groups, "\x00")
}

func (s Subject) impersonationText() string {
	if s.impersonate == nil {
		return ""
	}
	t := " impersonating " + s.impersonate.User
	if len(s.impersonate.Groups) > 0 {
		t += fmt.Sprintf(" (groups %q)", s.impersonate.Groups)
	}
	return t
}

// Review is the access review of a request. For a subject that impersonates
// it is the SelfSubjectAccessReview made while impersonating (what
// `kubectl auth can-i --as` asks): the server decides the impersonation, with
// its legacy and constrained rules, and answers for the impersonated user's
// real groups. When that review is refused because the impersonation is,
// the request would be refused too: the answer is "not allowed". (A subject
// allowed to impersonate only for some verbs through constrained
// impersonation could be refused the review but allowed the request; no spec
// does that.)
func (c *ClientGoChannel) Review(ctx context.Context, s Subject, r Request) Review {
	rv := c.SelfReview(ctx, s, r)
	if s.impersonate != nil && apierrors.IsForbidden(rv.Err) {
		return Review{Denied: true, Reason: "impersonation refused: " + rv.Err.Error()}
	}
	return rv
}
