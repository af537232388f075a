package access

import (
	"net/http"
	"sync"
	"time"
)

// clientTimeout bounds one HTTP request, answer included.
const clientTimeout = 60 * time.Second

// transports are the HTTP channel's clients: one shared by every subject
// whose credential travels in headers, and one per credential that needs a
// TLS configuration of its own (a client certificate). Each is a clone of the
// shared transport, so CA, tls-server-name and proxy stay the same.
type transports struct {
	shared *http.Client
	base   *http.Transport
	mu     sync.Mutex
	own    map[string]*http.Client
}

func newTransports(base *http.Transport) *transports {
	return &transports{
		shared: &http.Client{Transport: base, Timeout: clientTimeout},
		base:   base,
		own:    map[string]*http.Client{},
	}
}

// For is the client for a subject's requests.
func (t *transports) For(s Subject) *http.Client {
	if s.cred == nil {
		return t.shared
	}
	key := s.cred.CacheKey()
	t.mu.Lock()
	defer t.mu.Unlock()
	if c, ok := t.own[key]; ok {
		return c
	}
	c := t.shared
	if tr := t.base.Clone(); s.cred.ConfigureTLS(tr.TLSClientConfig) {
		c = &http.Client{Transport: tr, Timeout: clientTimeout}
	}
	t.own[key] = c // the shared one too: the question is asked once per credential
	return c
}
