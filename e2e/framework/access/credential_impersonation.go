package access

import (
	"crypto/tls"
	"fmt"
	"net/http"

	"k8s.io/client-go/rest"
)

// Impersonation is who a subject acts as: the Impersonate-User and
// Impersonate-Group headers of the HTTP channel, rest.Config.Impersonate of
// the client-go channel.
type Impersonation struct {
	User   string
	Groups []string
}

// Impersonate is a credential that authenticates with on and asks to act
// as as. The server first decides whether on's user may impersonate, then
// authorizes the request as the impersonated user.
func Impersonate(on Credential, as Impersonation) Credential {
	return impersonated{on: on, as: as}
}

type impersonated struct {
	on Credential
	as Impersonation
}

func (c impersonated) ConfigureREST(cfg *rest.Config) {
	if c.on != nil {
		c.on.ConfigureREST(cfg)
	}
	cfg.Impersonate = rest.ImpersonationConfig{UserName: c.as.User, Groups: c.as.Groups}
}

func (c impersonated) ConfigureRequest(req *http.Request) {
	if c.on != nil {
		c.on.ConfigureRequest(req)
	}
	req.Header.Set("Impersonate-User", c.as.User)
	for _, g := range c.as.Groups {
		req.Header.Add("Impersonate-Group", g)
	}
}

func (c impersonated) ConfigureTLS(cfg *tls.Config) bool {
	return c.on != nil && c.on.ConfigureTLS(cfg)
}

func (c impersonated) Identity() string { return c.inner() + c.text() }

// CacheKey: one credential acting as itself and as someone else needs two
// clients.
func (c impersonated) CacheKey() string {
	parts := [][]byte{nil, []byte(c.as.User)}
	if c.on != nil {
		parts[0] = []byte(c.on.CacheKey())
	}
	for _, g := range c.as.Groups {
		parts = append(parts, []byte(g))
	}
	return "impersonate:" + fullHash(parts...)
}

func (c impersonated) inner() string {
	if c.on == nil {
		return "no credentials"
	}
	return c.on.Identity()
}

func (c impersonated) text() string {
	t := " impersonating " + c.as.User
	if len(c.as.Groups) > 0 {
		t += fmt.Sprintf(" (groups %q)", c.as.Groups)
	}
	return t
}
