package cluster

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// kindEndpoint is how a kind cluster's API server is reached from the host
// (its control-plane node's published port) and the CA it presents.
type kindEndpoint struct {
	Name   string
	Server string
	CA     []byte
}

// Recognise finds the kind cluster, reachable through the local Docker
// engine, that a kubeconfig's current context points at, although the suite
// did not create it: its server address is a kind cluster's published API
// server port and its CA is that cluster's. It returns nil and why not when
// no kind cluster matches (then node files and image loading are out of reach).
func Recognise(kubeconfigPath string, log io.Writer) (*Cluster, string) {
	server, ca, context, err := kubeconfigServer(kubeconfigPath)
	if err != nil {
		return nil, err.Error()
	}
	p := newProvider(log)
	names, err := p.List()
	if err != nil {
		return nil, fmt.Sprintf("no kind clusters can be listed through the local Docker engine (%v)", err)
	}
	var eps []kindEndpoint
	for _, n := range names {
		cfg, err := p.KubeConfig(n, false)
		if err != nil {
			continue
		}
		s, c, _, err := serverOf([]byte(cfg))
		if err != nil {
			continue
		}
		eps = append(eps, kindEndpoint{Name: n, Server: s, CA: c})
	}
	name, why := matchKind(server, context, ca, eps)
	if name == "" {
		return nil, why
	}
	c := Attach(name, log)
	c.KubeconfigPath = kubeconfigPath
	return c, why
}

// matchKind picks the kind cluster whose API server address (and CA, when
// both are known) the kubeconfig names.
func matchKind(server, context string, ca []byte, eps []kindEndpoint) (string, string) {
	want := normalHost(server)
	var seen []string
	for _, ep := range eps {
		seen = append(seen, ep.Name+" at "+ep.Server)
		if normalHost(ep.Server) != want {
			continue
		}
		if len(ca) > 0 && len(ep.CA) > 0 && !bytes.Equal(ca, ep.CA) {
			continue
		}
		how := fmt.Sprintf("the kubeconfig's server %s is kind cluster %q's published API server port", server, ep.Name)
		if context == "kind-"+ep.Name {
			how += fmt.Sprintf(" (context %s)", context)
		}
		return ep.Name, how
	}
	if len(seen) == 0 {
		return "", fmt.Sprintf("the kubeconfig's server %s is no kind cluster of the local Docker engine (it runs none)", server)
	}
	return "", fmt.Sprintf("the kubeconfig's server %s is no kind cluster of the local Docker engine (it runs %s)", server, strings.Join(seen, ", "))
}

// normalHost makes https://localhost:P and https://127.0.0.1:P equal.
func normalHost(server string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		host, port = u.Host, "443"
	}
	if host == "localhost" || host == "::1" || host == "0.0.0.0" {
		host = "127.0.0.1"
	}
	return u.Scheme + "://" + net.JoinHostPort(host, port)
}

func kubeconfigServer(path string) (server string, ca []byte, context string, err error) {
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		return "", nil, "", fmt.Errorf("reading kubeconfig %s: %w", path, err)
	}
	return currentServer(cfg)
}

func serverOf(data []byte) (string, []byte, string, error) {
	cfg, err := clientcmd.Load(data)
	if err != nil {
		return "", nil, "", err
	}
	return currentServer(cfg)
}

// currentServer is the server address and CA of the current context.
func currentServer(cfg *clientcmdapi.Config) (string, []byte, string, error) {
	ctx := cfg.Contexts[cfg.CurrentContext]
	if ctx == nil {
		return "", nil, "", fmt.Errorf("the kubeconfig has no current context %q", cfg.CurrentContext)
	}
	cl := cfg.Clusters[ctx.Cluster]
	if cl == nil {
		return "", nil, "", fmt.Errorf("the kubeconfig's context %s names no known cluster", cfg.CurrentContext)
	}
	return cl.Server, cl.CertificateAuthorityData, cfg.CurrentContext, nil
}
