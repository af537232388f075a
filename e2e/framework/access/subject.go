package access

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Subject is who makes a request: a bearer token and the user it should
// authenticate as. The token itself is never printed, only a short hash.
type Subject struct {
	User  string // the username the token should authenticate as; "" for anonymous
	token string

	impersonate *Impersonation // see Impersonating
}

// NewSubject names the user a bearer token belongs to.
func NewSubject(user, token string) Subject { return Subject{User: user, token: token} }

// Anonymous is a subject with no credentials at all.
func Anonymous() Subject { return Subject{User: "system:anonymous"} }

// BearerToken is the raw token; never log it.
func (s Subject) BearerToken() string { return s.token }

// TokenHash identifies the token in logs: the first 12 hex digits of its SHA-256.
func (s Subject) TokenHash() string {
	if s.token == "" {
		return "none"
	}
	sum := sha256.Sum256([]byte(s.token))
	return "sha256:" + hex.EncodeToString(sum[:])[:12]
}

func (s Subject) String() string {
	return fmt.Sprintf("%s (token %s)%s", s.User, s.TokenHash(), s.impersonationText())
}

// GoString keeps %#v from printing the unexported token.
func (s Subject) GoString() string { return "access.Subject{" + s.String() + "}" }

// GomegaString keeps a failing matcher from printing the unexported token.
func (s Subject) GomegaString() string { return s.String() }
