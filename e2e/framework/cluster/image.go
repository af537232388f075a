package cluster

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"sigs.k8s.io/kind/pkg/apis/config/defaults"
)

// StockImage is kind's own node image for the pinned kind version.
const StockImage = defaults.Image

// ImageChoice is the node image a cluster is created from, and why.
type ImageChoice struct {
	Ref     string
	Reason  string
	Offline bool // the image built by scripts/node-image (static CNI, single node)
}

// ImageStore answers whether an image is on the local engine and tries to pull it.
type ImageStore interface {
	Present(ctx context.Context, ref string) bool
	Pull(ctx context.Context, ref string) error
}

// ChooseImage picks the node image: an explicit one first, then kind's stock
// image when present or pullable, else the offline image built from source.
func ChooseImage(ctx context.Context, store ImageStore, explicit, offline string) (ImageChoice, error) {
	if explicit != "" {
		return ImageChoice{Ref: explicit, Reason: "set explicitly", Offline: explicit == offline || builtFromSource(ctx, store, explicit)}, nil
	}
	if store.Present(ctx, StockImage) {
		return ImageChoice{Ref: StockImage, Reason: "kind's stock image is present locally"}, nil
	}
	pullErr := store.Pull(ctx, StockImage)
	if pullErr == nil {
		return ImageChoice{Ref: StockImage, Reason: "kind's stock image was pulled"}, nil
	}
	if offline == "" {
		return ImageChoice{}, fmt.Errorf("kind's stock image %s cannot be pulled (%v) and no offline node image is named: run 'make node-image' and set E2E_OFFLINE_NODE_IMAGE (make e2e does both)", StockImage, pullErr)
	}
	if !store.Present(ctx, offline) {
		return ImageChoice{}, fmt.Errorf("kind's stock image %s cannot be pulled (%v) and the offline node image %s is missing: run 'make node-image'", StockImage, pullErr, offline)
	}
	return ImageChoice{Ref: offline, Reason: "no registry reachable (" + firstLine(pullErr.Error()) + "); using the image built from source", Offline: true}, nil
}

// OfflineImageLabel marks images built by scripts/node-image.
const OfflineImageLabel = "io.rbac-e2e.recipe"

type imageLabeler interface {
	Label(ctx context.Context, ref, key string) string
}

func builtFromSource(ctx context.Context, store ImageStore, ref string) bool {
	l, ok := store.(imageLabeler)
	return ok && l.Label(ctx, ref, OfflineImageLabel) != ""
}

// DockerImages is the ImageStore of the local Docker engine.
type DockerImages struct{}

func (DockerImages) Present(ctx context.Context, ref string) bool {
	return exec.CommandContext(ctx, "docker", "image", "inspect", ref).Run() == nil
}

// Label reads one label of a local image; "" when absent.
func (DockerImages) Label(ctx context.Context, ref, key string) string {
	out, err := exec.CommandContext(ctx, "docker", "image", "inspect", "--format", fmt.Sprintf("{{index .Config.Labels %q}}", key), ref).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func (DockerImages) Pull(ctx context.Context, ref string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", "pull", "-q", ref).CombinedOutput()
	if err != nil {
		return fmt.Errorf("docker pull: %s", strings.TrimSpace(string(out)))
	}
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}
