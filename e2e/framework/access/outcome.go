package access

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Outcome is what one channel got back.
type Outcome struct {
	Code    int                 // HTTP status code; 0 when no response came back
	Reason  metav1.StatusReason // from a Status body, when there is one
	Message string              // from a Status body, when there is one
	Err     error               // transport or decoding error
	Body    []byte              // the raw body (HTTP channel), for failure reports
	// RetryAfter is the wait a 429 or 5xx asked for; 0 when none.
	RetryAfter time.Duration
}

func (o Outcome) String() string {
	if o.Code == 0 {
		return fmt.Sprintf("no response (%v)", o.Err)
	}
	s := fmt.Sprintf("%d %s", o.Code, http.StatusText(o.Code))
	if o.Reason != "" {
		s += " reason " + string(o.Reason)
	}
	if o.Message != "" {
		s += fmt.Sprintf(" %q", o.Message)
	}
	return s
}

// Expectation is what a request must get back through every channel.
type Expectation struct {
	Code    int // an exact status code; 0 accepts any 2xx
	Reason  metav1.StatusReason
	Message string // an exact Status message, when set
	// MessageContains is a part the Status message must contain, when set.
	MessageContains string

	tlsRefused bool // see TLSRefused
	authorized bool // see Authorized
	// afterAuthorization: see RefusedAfterAuthorization
	afterAuthorization bool
	rbacDenial         bool // see DeniedByRBAC
}

// Allowed accepts any success (2xx).
func Allowed() Expectation { return Expectation{} }

// Status expects an exact status code.
func Status(code int) Expectation { return Expectation{Code: code} }

// Forbidden expects 403 Forbidden, with the exact message when one is given.
func Forbidden(message ...string) Expectation {
	e := Expectation{Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden}
	if len(message) > 0 {
		e.Message = message[0]
	}
	return e
}

// Unauthorized expects 401 with a Status of reason Unauthorized.
func Unauthorized() Expectation {
	return Expectation{Code: http.StatusUnauthorized, Reason: metav1.StatusReasonUnauthorized, Message: "Unauthorized"}
}

// Invalid expects 422 Unprocessable Entity, reason Invalid.
func Invalid() Expectation {
	return Expectation{Code: http.StatusUnprocessableEntity, Reason: metav1.StatusReasonInvalid}
}

// IsAllowed tells whether the expectation is a success.
func (e Expectation) IsAllowed() bool { return !e.tlsRefused && (e.Code == 0 || e.Code/100 == 2) }

// Met tells whether an outcome satisfies the expectation.
func (e Expectation) Met(o Outcome) bool {
	if e.tlsRefused {
		return refusedCertificate(o)
	}
	if e.authorized {
		return passedAuthorization(o)
	}
	if e.Code == 0 {
		return o.Code/100 == 2
	}
	return o.Code == e.Code &&
		(e.Reason == "" || e.Reason == o.Reason) &&
		(e.Message == "" || e.Message == o.Message) &&
		strings.Contains(o.Message, e.MessageContains)
}

// reviewApplies tells whether an access review has something to say: it
// answers allowed or denied for an authenticated user, nothing else.
func (e Expectation) reviewApplies() bool { return e.Code != http.StatusUnauthorized && !e.tlsRefused }

func (e Expectation) String() string {
	if e.tlsRefused {
		return tlsRefusedText
	}
	if e.authorized {
		return authorizedText
	}
	if e.Code == 0 {
		return "2xx (allowed)"
	}
	s := fmt.Sprintf("%d %s", e.Code, http.StatusText(e.Code))
	if e.rbacDenial {
		s = "denied by RBAC: " + s
	}
	if e.Reason != "" {
		s += " reason " + string(e.Reason)
	}
	if e.Message != "" {
		s += fmt.Sprintf(" %q", e.Message)
	}
	if e.MessageContains != "" {
		s += fmt.Sprintf(" containing %q", e.MessageContains)
	}
	if e.afterAuthorization {
		s += " (refused after authorization: the access review allows it)"
	}
	return s
}
