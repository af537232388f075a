package access_test

import (
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	"rbac-e2e/e2e/framework/access"
)

// connectProxy is an HTTP CONNECT proxy that counts the tunnels it opens.
func connectProxy(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var tunnels atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		up, err := net.DialTimeout("tcp", r.Host, 5*time.Second)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			up.Close()
			return
		}
		tunnels.Add(1)
		io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
		go func() { io.Copy(up, buf); up.Close() }()
		go func() { io.Copy(conn, up); conn.Close() }()
	}))
	t.Cleanup(srv.Close)
	return srv, &tunnels
}

var apiHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, `{"kind":"APIVersions","versions":["v1"]}`)
})

// kubeconfig writes a kubeconfig for server with extra cluster fields
// (proxy-url, tls-server-name) and loads it as the suite does.
func kubeconfig(t *testing.T, server string, ca []byte, extra string) access.Connection {
	t.Helper()
	ca64 := base64.StdEncoding.EncodeToString(ca)
	text := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: %s
    certificate-authority-data: %s
%s
users:
- name: u
  user: {}
contexts:
- name: c
  context: {cluster: c, user: u}
current-context: c
`, server, ca64, extra)
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatal(err)
	}
	return access.ConnectionOf(cfg)
}

// throughEachChannel makes one request through each channel of a fresh
// checker and reports, per channel, the outcome and the tunnels it opened.
func throughEachChannel(t *testing.T, conn access.Connection, tunnels *atomic.Int64) map[string]string {
	t.Helper()
	c, err := access.NewCheckerFor(conn)
	if err != nil {
		t.Fatal(err)
	}
	c.NoAnswerTimeout = 2 * time.Second
	got := map[string]string{}
	for _, ch := range []access.Channel{c.ClientGo, c.HTTP} {
		before := tunnels.Load()
		o := ch.Do(t.Context(), access.NewSubject("u", "tok"), access.Get("/api"))
		got[ch.Name()] = fmt.Sprintf("code %d, %d tunnel(s)", o.Code, tunnels.Load()-before)
		if o.Code != http.StatusOK {
			got[ch.Name()] += fmt.Sprintf(" (%s)", o)
		}
	}
	return got
}

func expectBoth(t *testing.T, got map[string]string, want string) {
	t.Helper()
	for _, ch := range []string{"client-go", "http"} {
		if got[ch] != want {
			t.Errorf("%s: %s, want %s", ch, got[ch], want)
		}
	}
}

func TestProxyURLIsHonouredOnBothChannels(t *testing.T) {
	srv, ca := serverFor(t, "127.0.0.1:0", nil, []net.IP{net.IPv4(127, 0, 0, 1)}, apiHandler)
	proxy, tunnels := connectProxy(t)
	t.Run("proxy-url", func(t *testing.T) {
		conn := kubeconfig(t, srv.URL, ca, "    proxy-url: "+proxy.URL)
		expectBoth(t, throughEachChannel(t, conn, tunnels), "code 200, 1 tunnel(s)")
	})
	t.Run("no proxy-url", func(t *testing.T) {
		// a loopback server: the environment's proxy never applies to it
		conn := kubeconfig(t, srv.URL, ca, "")
		expectBoth(t, throughEachChannel(t, conn, tunnels), "code 200, 0 tunnel(s)")
	})
}

func TestTLSServerNameIsHonouredOnBothChannels(t *testing.T) {
	// The certificate is valid for kubernetes.internal only; the server is
	// dialled at 127.0.0.1.
	srv, ca := serverFor(t, "127.0.0.1:0", []string{"kubernetes.internal"}, nil, apiHandler)
	for _, tt := range []struct {
		name, extra string
		tlsRefused  bool
	}{
		{"tls-server-name", "    tls-server-name: kubernetes.internal", false},
		{"no tls-server-name", "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			conn := kubeconfig(t, srv.URL, ca, tt.extra)
			c, err := access.NewCheckerFor(conn)
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range []access.Channel{c.ClientGo, c.HTTP} {
				o := ch.Do(t.Context(), access.NewSubject("u", "tok"), access.Get("/api"))
				if refused := access.TLSRefused().Met(o); refused != tt.tlsRefused || (!refused && o.Code != 200) {
					t.Errorf("%s: got %s, want TLS refused=%t, else 200", ch.Name(), o, tt.tlsRefused)
				}
			}
		})
	}
}

// The environment's proxy is read once per process (http.ProxyFromEnvironment,
// which client-go uses): each case runs in a child process of its own.
const proxyChildEnv = "RBAC_E2E_ACCESS_PROXY_CASE"

func TestProxyFromEnvironmentOnBothChannels(t *testing.T) {
	ip := nonLoopbackIPv4(t)
	for _, tt := range []struct{ name, noProxy string }{
		{"HTTPS_PROXY", ""},
		{"NO_PROXY covers the host", ip.String()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestProxyFromEnvironmentChild$", "-test.v")
			for _, kv := range os.Environ() {
				if k, _, _ := strings.Cut(kv, "="); !strings.EqualFold(k, "HTTPS_PROXY") && !strings.EqualFold(k, "NO_PROXY") && !strings.EqualFold(k, "HTTP_PROXY") {
					cmd.Env = append(cmd.Env, kv)
				}
			}
			cmd.Env = append(cmd.Env, proxyChildEnv+"="+ip.String()+","+tt.noProxy)
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "--- PASS: TestProxyFromEnvironmentChild") {
				t.Errorf("child process: %v\n%s", err, out)
			}
		})
	}
}

func TestProxyFromEnvironmentChild(t *testing.T) {
	spec := os.Getenv(proxyChildEnv)
	if spec == "" {
		t.Skip("runs in a child process of TestProxyFromEnvironmentOnBothChannels")
	}
	ipText, noProxy, _ := strings.Cut(spec, ",")
	ip := net.ParseIP(ipText)
	srv, ca := serverFor(t, net.JoinHostPort(ip.String(), "0"), nil, []net.IP{ip}, apiHandler)
	proxy, tunnels := connectProxy(t)
	os.Setenv("HTTPS_PROXY", proxy.URL)
	os.Setenv("NO_PROXY", noProxy)
	want := "code 200, 1 tunnel(s)"
	if noProxy != "" {
		want = "code 200, 0 tunnel(s)"
	}
	expectBoth(t, throughEachChannel(t, access.Connection{Host: srv.URL, CAData: ca}, tunnels), want)
}

func nonLoopbackIPv4(t *testing.T) net.IP {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			return n.IP.To4()
		}
	}
	t.Skip("this machine has no non-loopback IPv4 address, and HTTPS_PROXY never applies to loopback")
	return nil
}
