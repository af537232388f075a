package access

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/binary"
	"encoding/hex"
	"net/http"

	"k8s.io/client-go/rest"
)

// Credential is how a subject's requests authenticate, on both channels:
// the same credential configures the client-go channel's rest.Config and the
// HTTP channel's request (headers) and, where it needs one, the TLS
// configuration of a transport of the subject's own. A new kind of identity
// is a new Credential; nothing else in the package needs to know it.
//
// The three kinds: BearerToken, Impersonate (on top of another credential)
// and ClientCertificate.
type Credential interface {
	// ConfigureREST sets the client-go channel's authentication on a
	// rest.Config that already holds the connection settings.
	ConfigureREST(cfg *rest.Config)
	// ConfigureRequest sets the HTTP channel's authentication headers.
	ConfigureRequest(req *http.Request)
	// ConfigureTLS sets what the credential needs on the TLS configuration
	// of the HTTP channel's transport (a client certificate) and tells
	// whether it did: false means the channel's shared transport serves it.
	ConfigureTLS(cfg *tls.Config) bool
	// Identity names the credential in reports without giving it away:
	// its kind and a short hash ("token sha256:0123456789ab").
	Identity() string
	// CacheKey tells credentials apart for the channels' caches of clients
	// and transports. It is derived from the secret; never print it.
	CacheKey() string
}

// shortHash is how a credential is named in reports: the first 12 hex
// digits of the SHA-256 of what identifies it.
func shortHash(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])[:12]
}

// fullHash keys caches without keeping the secret itself as a map key.
// Each part is length-prefixed, so no two lists of parts hash alike.
func fullHash(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}
