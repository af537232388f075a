package suite

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/client-go/util/cert"

	"rbac-e2e/e2e/framework/cluster"
)

func TestEnvironmentCarriesTheRun(t *testing.T) {
	env := &Environment{RunID: "run-1", Options: Options{Kubeconfig: "rel/kubeconfig"}}
	labels := env.ObjectLabels()
	if len(labels) != 2 || labels[ManagedByLabel] != ManagedByValue || labels[RunLabel] != "run-1" {
		t.Errorf("ObjectLabels = %v", labels)
	}
	labels["x"] = "y" // a caller's own copy
	if len(env.ObjectLabels()) != 2 {
		t.Error("ObjectLabels handed out a shared map")
	}
	if got := env.RunSelector(); got != "rbac-e2e.io/run=run-1" {
		t.Errorf("RunSelector = %q", got)
	}
	if abs, _ := filepath.Abs("rel/kubeconfig"); env.Kubeconfig() != abs {
		t.Errorf("Kubeconfig() = %q, want the settings' path made absolute %q", env.Kubeconfig(), abs)
	}
	env.Cluster = &cluster.Cluster{KubeconfigPath: "/tmp/kind.kubeconfig"}
	if env.Kubeconfig() != "/tmp/kind.kubeconfig" {
		t.Errorf("Kubeconfig() = %q, want the kind cluster's", env.Kubeconfig())
	}
}

func TestNewEnvironmentResolvesTimeoutsAndOptions(t *testing.T) {
	path := writeKubeconfig(t)
	env, err := NewEnvironment(EnvironmentInput{Kubeconfig: path, RunID: "run-2", Timeouts: Timeouts{RBAC: 10 * time.Second, Scale: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if env.Timeouts.RBAC != 20*time.Second || env.Timeouts.Revocation != 90*time.Second || env.Timeouts.Poll != 250*time.Millisecond {
		t.Errorf("Timeouts = %+v, want the given ones resolved and scaled", env.Timeouts)
	}
	if env.Options != DefaultOptions() || env.RunID != "run-2" || env.Checker == nil || env.RESTMapper() == nil {
		t.Errorf("Environment = %+v", env)
	}
	opts := Options{Artifacts: "a", SweepCommand: "s"}
	if env, err := NewEnvironment(EnvironmentInput{Kubeconfig: path, Options: opts}); err != nil || env.Options != opts {
		t.Errorf("NewEnvironment with options: %+v, %v", env, err)
	}
}

// writeKubeconfig writes a kubeconfig naming a CA (of no real cluster).
func writeKubeconfig(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := cert.NewSelfSignedCACert(cert.Config{CommonName: "test-ca"}, key)
	if err != nil {
		t.Fatal(err)
	}
	caPEM, err := cert.EncodeCertificates(ca)
	if err != nil {
		t.Fatal(err)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["c"] = &clientcmdapi.Cluster{Server: "https://127.0.0.1:6443", CertificateAuthorityData: caPEM}
	cfg.AuthInfos["u"] = &clientcmdapi.AuthInfo{}
	cfg.Contexts["c"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
	cfg.CurrentContext = "c"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	return path
}
