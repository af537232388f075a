package cluster

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	kindcluster "sigs.k8s.io/kind/pkg/cluster"
	"sigs.k8s.io/kind/pkg/cluster/nodes"
)

// Cluster is a kind cluster the suite created or reuses.
type Cluster struct {
	Name           string
	KubeconfigPath string
	Image          ImageChoice
	Created        bool // created by this run, not reused
	provider       *kindcluster.Provider
	log            io.Writer
}

type options struct {
	image, offlineImage, kindConfig string
	kubeconfigPath, artifacts       string
	reuse                           bool
	wait                            time.Duration
	log                             io.Writer
	store                           ImageStore
}

// Option configures Up.
type Option func(*options)

// WithNodeImage forces a node image; otherwise ChooseImage decides.
func WithNodeImage(ref string) Option { return func(o *options) { o.image = ref } }

// WithOfflineImage names the image scripts/node-image builds, the fallback when
// kind's stock image cannot be had.
func WithOfflineImage(ref string) Option { return func(o *options) { o.offlineImage = ref } }

// WithKindConfig layers a user's kind configuration file under the suite's needs.
func WithKindConfig(path string) Option { return func(o *options) { o.kindConfig = path } }

// WithReuse keeps a healthy existing cluster of the same name instead of recreating it.
func WithReuse(reuse bool) Option { return func(o *options) { o.reuse = reuse } }

// WithKubeconfigPath is where the cluster's admin kubeconfig is written.
func WithKubeconfigPath(path string) Option { return func(o *options) { o.kubeconfigPath = path } }

// WithArtifacts is where node logs land when creation fails.
func WithArtifacts(dir string) Option { return func(o *options) { o.artifacts = dir } }

// WithLogger receives kind's progress messages.
func WithLogger(w io.Writer) Option { return func(o *options) { o.log = w } }

// WithImageStore replaces the local Docker engine as the source of images (tests).
func WithImageStore(s ImageStore) Option { return func(o *options) { o.store = s } }

// Attach returns a handle on an existing cluster without creating anything.
func Attach(name string, log io.Writer) *Cluster {
	return &Cluster{Name: name, provider: newProvider(log), log: log}
}

func newProvider(log io.Writer) *kindcluster.Provider {
	return kindcluster.NewProvider(kindcluster.ProviderWithDocker(), kindcluster.ProviderWithLogger(kindLogger{log}))
}

// Up reuses a healthy cluster of that name when asked to, and otherwise
// creates a fresh one (deleting a stale one first).
func Up(ctx context.Context, name string, opts ...Option) (*Cluster, error) {
	o := options{log: io.Discard, store: DockerImages{}, wait: 3 * time.Minute}
	for _, opt := range opts {
		opt(&o)
	}
	if o.kubeconfigPath == "" {
		o.kubeconfigPath = filepath.Join(os.TempDir(), "rbac-e2e-"+name+".kubeconfig")
	}
	c := Attach(name, o.log)
	c.KubeconfigPath = o.kubeconfigPath
	var err error

	c.Image, err = ChooseImage(ctx, o.store, o.image, o.offlineImage)
	if err != nil {
		return nil, err
	}
	exists, err := c.exists()
	if err != nil {
		return nil, err
	}
	if exists && o.reuse {
		if err := c.reusable(c.Image.Ref); err == nil {
			fmt.Fprintf(o.log, "reusing kind cluster %q\n", name)
			return c, c.writeKubeconfig()
		} else {
			fmt.Fprintf(o.log, "kind cluster %q cannot be reused (%v): recreating it\n", name, err)
		}
	}
	if exists {
		if err := c.Down(); err != nil {
			return nil, fmt.Errorf("deleting stale cluster %q: %w", name, err)
		}
	}

	cfg, err := KindConfig(o.kindConfig, c.Image)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(o.log, "creating kind cluster %q from %s (%s)\n", name, c.Image.Ref, c.Image.Reason)
	start := time.Now()
	err = c.provider.Create(name,
		kindcluster.CreateWithV1Alpha4Config(cfg),
		kindcluster.CreateWithNodeImage(c.Image.Ref),
		kindcluster.CreateWithKubeconfigPath(o.kubeconfigPath),
		kindcluster.CreateWithWaitForReady(o.wait),
		kindcluster.CreateWithRetain(true),
		kindcluster.CreateWithDisplayUsage(false),
		kindcluster.CreateWithDisplaySalutation(false),
	)
	if err != nil {
		return nil, c.failedCreate(err, o.artifacts)
	}
	c.Created = true
	fmt.Fprintf(o.log, "created kind cluster %q in %s\n", name, time.Since(start).Round(100*time.Millisecond))
	return c, nil
}

// failedCreate keeps the nodes' logs of a failed creation, then removes the nodes.
func (c *Cluster) failedCreate(createErr error, artifacts string) error {
	msg := fmt.Sprintf("creating kind cluster %q from %s: %v", c.Name, c.Image.Ref, createErr)
	if artifacts != "" {
		dir := filepath.Join(artifacts, "kind-logs-create-failed")
		if err := c.ExportLogs(dir); err != nil {
			msg += fmt.Sprintf(" (some node logs could not be collected: %v)", err)
		}
		msg += "; node logs in " + dir
	}
	if err := c.Down(); err != nil {
		msg += fmt.Sprintf("; deleting its nodes failed too: %v", err)
	}
	return fmt.Errorf("%s", msg)
}

func (c *Cluster) exists() (bool, error) {
	names, err := c.provider.List()
	if err != nil {
		return false, fmt.Errorf("listing kind clusters (is the Docker engine running? scripts/docker-engine.sh starts one): %w", err)
	}
	return slices.Contains(names, c.Name), nil
}

// reusable tells whether every node container runs (after a Docker engine
// restart they are stopped and the cluster must be recreated) from the image
// this run would create it from.
func (c *Cluster) reusable(image string) error {
	ns, err := c.provider.ListNodes(c.Name)
	if err != nil {
		return err
	}
	if len(ns) == 0 {
		return fmt.Errorf("no node containers")
	}
	for _, n := range ns {
		if err := n.Command("test", "-f", "/etc/kubernetes/admin.conf").Run(); err != nil {
			return fmt.Errorf("node %s does not answer: %w", n.String(), err)
		}
		out, err := exec.Command("docker", "inspect", "--format", "{{.Config.Image}}", n.String()).Output()
		if err != nil {
			return fmt.Errorf("inspecting node %s: %w", n.String(), err)
		}
		if got := strings.TrimSpace(string(out)); got != image {
			return fmt.Errorf("node %s runs image %s, this run wants %s", n.String(), got, image)
		}
	}
	return nil
}

func (c *Cluster) writeKubeconfig() error {
	cfg, err := c.provider.KubeConfig(c.Name, false)
	if err != nil {
		return fmt.Errorf("kubeconfig of cluster %q: %w", c.Name, err)
	}
	return os.WriteFile(c.KubeconfigPath, []byte(cfg), 0o600)
}

// Down deletes the cluster and its kubeconfig file.
func (c *Cluster) Down() error {
	if err := c.provider.Delete(c.Name, c.KubeconfigPath); err != nil {
		return err
	}
	if c.KubeconfigPath != "" {
		_ = os.Remove(c.KubeconfigPath)
	}
	return nil
}

// ExportLogs collects the nodes' journals, container logs and kind's records
// into dir. Missing tools on the node (crictl on the offline image) make some
// files empty; the error says which.
func (c *Cluster) ExportLogs(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return c.provider.CollectLogs(c.Name, dir)
}

// ControlPlane is the cluster's first control-plane node.
func (c *Cluster) ControlPlane() (nodes.Node, error) {
	ns, err := c.provider.ListNodes(c.Name)
	if err != nil {
		return nil, err
	}
	for _, n := range ns {
		if role, err := n.Role(); err == nil && role == "control-plane" {
			return n, nil
		}
	}
	return nil, fmt.Errorf("cluster %q has no control-plane node", c.Name)
}

// ReadControlPlaneFile reads a file on the control-plane node.
func (c *Cluster) ReadControlPlaneFile(path string) ([]byte, error) {
	n, err := c.ControlPlane()
	if err != nil {
		return nil, err
	}
	var out, errOut bytes.Buffer
	if err := n.Command("cat", path).SetStdout(&out).SetStderr(&errOut).Run(); err != nil {
		return nil, fmt.Errorf("reading %s on %s: %v: %s", path, n.String(), err, errOut.String())
	}
	return out.Bytes(), nil
}
