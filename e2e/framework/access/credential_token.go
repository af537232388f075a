package access

import (
	"crypto/tls"
	"net/http"

	"k8s.io/client-go/rest"
)

// BearerToken is a credential that sends a token: `Authorization: Bearer`
// on the HTTP channel, rest.Config.BearerToken on client-go.
func BearerToken(token string) Credential { return bearerToken(token) }

type bearerToken string

func (t bearerToken) ConfigureREST(cfg *rest.Config) { cfg.BearerToken = string(t) }

func (t bearerToken) ConfigureRequest(req *http.Request) {
	if t != "" {
		req.Header.Set("Authorization", "Bearer "+string(t))
	}
}

func (bearerToken) ConfigureTLS(*tls.Config) bool { return false }

func (t bearerToken) Identity() string {
	if t == "" {
		return "token none"
	}
	return "token " + shortHash([]byte(t))
}

func (t bearerToken) CacheKey() string { return "token:" + fullHash([]byte(t)) }
