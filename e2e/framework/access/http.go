package access

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework/secrets"
)

// maxBody bounds how much of a response body is read and kept for reports.
const maxBody = 1 << 20

// HTTPChannel makes requests with plain net/http: the subject's credential
// (a header, a client certificate) and TLS verified against the cluster CA
// only.
type HTTPChannel struct {
	host    string
	clients *transports
}

// NewHTTPChannel trusts exactly the PEM CA bundle given, nothing else.
func NewHTTPChannel(host string, caPEM []byte) (*HTTPChannel, error) {
	return NewHTTPChannelFor(Connection{Host: host, CAData: caPEM})
}

// NewHTTPChannelFor connects as conn says: its CA only, its tls-server-name,
// its proxy (or the environment's), the same as the client-go channel.
func NewHTTPChannelFor(conn Connection) (*HTTPChannel, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(conn.CAData) {
		return nil, fmt.Errorf("http channel: no PEM certificate in the cluster CA data")
	}
	transport := &http.Transport{
		Proxy:               conn.proxy(),
		TLSClientConfig:     &tls.Config{RootCAs: pool, ServerName: conn.ServerName, MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	return &HTTPChannel{host: conn.Host, clients: newTransports(transport)}, nil
}

func (*HTTPChannel) Name() string { return "http" }

// Do sends the request and reads a Status body when the server sends one.
func (c *HTTPChannel) Do(ctx context.Context, s Subject, r Request) Outcome {
	u := c.host + r.Path()
	if q := r.Query().Encode(); q != "" {
		u += "?" + q
	}
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method(), u, body)
	if err != nil {
		return Outcome{Err: err}
	}
	req.Header.Set("Accept", accept(r))
	if r.Body != nil {
		req.Header.Set("Content-Type", r.contentType())
	}
	if s.cred != nil {
		s.cred.ConfigureRequest(req)
	}
	resp, err := c.clients.For(s).Do(req)
	if err != nil {
		return Outcome{Err: err}
	}
	defer resp.Body.Close()
	o := Outcome{Code: resp.StatusCode, RetryAfter: retryAfterOf(resp)}
	if r.Verb == "watch" && resp.StatusCode == http.StatusOK {
		return o // a watch stream: the status line is the answer
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		o.Err = fmt.Errorf("reading body: %w", err)
		return o
	}
	o.Body = raw
	secrets.TrackIn(raw) // a TokenRequest's answer carries a token minted now
	var status metav1.Status
	if json.Unmarshal(raw, &status) == nil && status.Kind == "Status" {
		o.Reason, o.Message = status.Reason, status.Message
	}
	return o
}

// accept is the Accept header client-go sends for the request: the dynamic
// client asks for JSON; its REST client for a non-resource URL takes JSON
// or anything (/openid/v1/jwks answers application/jwk-set+json, and 406
// to a client that accepts JSON alone).
func accept(r Request) string {
	if r.IsResource() {
		return "application/json"
	}
	return "application/json, */*"
}
