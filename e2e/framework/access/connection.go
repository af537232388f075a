package access

import (
	"net/http"
	"net/url"

	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/rest"
)

// Connection is how both channels reach the API server: the kubeconfig's
// connection settings, never its credentials (every request carries only
// the subject's token).
type Connection struct {
	Host   string
	CAData []byte // PEM; the only roots trusted
	// ServerName is the kubeconfig's tls-server-name: the name the server's
	// certificate is verified against instead of Host's.
	ServerName string
	// Proxy is the kubeconfig's proxy-url (rest.Config.Proxy). When nil,
	// HTTPS_PROXY and NO_PROXY from the environment apply, as in client-go.
	Proxy func(*http.Request) (*url.URL, error)
}

// ConnectionOf takes the connection settings of a loaded kubeconfig (CA
// files already read into CAData, e.g. by rest.LoadTLSFiles).
func ConnectionOf(cfg *rest.Config) Connection {
	return Connection{Host: cfg.Host, CAData: cfg.CAData, ServerName: cfg.TLSClientConfig.ServerName, Proxy: cfg.Proxy}
}

// proxy is the HTTP channel's proxy function: exactly what client-go's
// transport uses for the same settings (transport.New with
// utilnet.SetTransportDefaults): the configured proxy, else the
// environment's with CIDRs allowed in NO_PROXY.
func (c Connection) proxy() func(*http.Request) (*url.URL, error) {
	if c.Proxy != nil {
		return c.Proxy
	}
	return utilnet.NewProxierWithNoProxyCIDR(http.ProxyFromEnvironment)
}
