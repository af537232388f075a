package probe

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// ImageLoader puts an image archive into every node of a cluster.
type ImageLoader interface {
	LoadImageArchive(path string) error
}

// Install builds the probe, makes its image and loads it into the cluster's
// nodes, reporting how long each step took. It returns the image ref, for
// Pods with imagePullPolicy Never.
func Install(ctx context.Context, nodes ImageLoader, log io.Writer) (string, error) {
	dir, err := os.MkdirTemp("", "rbac-e2e-probe-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)

	start := time.Now()
	bin, err := BuildBinary(ctx, dir)
	if err != nil {
		return "", err
	}
	built := time.Now()
	archive := filepath.Join(dir, "probe-image.tar")
	ref, err := WriteImage(bin, archive)
	if err != nil {
		return "", err
	}
	imaged := time.Now()
	if err := nodes.LoadImageArchive(archive); err != nil {
		return "", fmt.Errorf("loading the probe image %s into the nodes: %w", ref, err)
	}
	loaded := time.Now()
	size := "?"
	if fi, err := os.Stat(archive); err == nil {
		size = fmt.Sprintf("%.1f MB", float64(fi.Size())/1e6)
	}
	fmt.Fprintf(log, "probe image %s (%s archive): go build %s, image %s, load %s, total %s\n", ref, size,
		round(built.Sub(start)), round(imaged.Sub(built)), round(loaded.Sub(imaged)), round(loaded.Sub(start)))
	return ref, nil
}

func round(d time.Duration) time.Duration { return d.Round(10 * time.Millisecond) }
