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

// ImageHolder tells whether every node already holds an image; a loader
// that is one lets Install skip an unchanged probe.
type ImageHolder interface {
	HasImage(ref string) (bool, error)
}

// Install builds the probe, makes its image and loads it into the cluster's
// nodes, reporting how long each step took. The image is tagged with the
// probe's SourceKey: when the nodes hold that tag already (a reused cluster,
// an unchanged probe), nothing is built or loaded. It returns the image ref,
// for Pods with imagePullPolicy Never.
func Install(ctx context.Context, nodes ImageLoader, log io.Writer) (string, error) {
	start := time.Now()
	key, err := SourceKey(ctx)
	if err != nil {
		return "", err
	}
	ref := Repository + ":" + key[:12]
	keyed := time.Now()
	if holder, ok := nodes.(ImageHolder); ok {
		has, err := holder.HasImage(ref)
		if err != nil {
			return "", fmt.Errorf("asking the nodes for the probe image %s: %w", ref, err)
		}
		if has {
			fmt.Fprintf(log, "probe image %s: the nodes hold it already (sources unchanged): hashing the sources %s, asking the nodes %s; nothing built or loaded\n",
				ref, round(keyed.Sub(start)), round(time.Since(keyed)))
			return ref, nil
		}
	}
	asked := time.Now()

	dir, err := os.MkdirTemp("", "rbac-e2e-probe-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	bin, err := BuildBinary(ctx, dir)
	if err != nil {
		return "", err
	}
	built := time.Now()
	archive := filepath.Join(dir, "probe-image.tar")
	if err := WriteImageAs(bin, archive, ref); err != nil {
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
	fmt.Fprintf(log, "probe image %s (%s archive): hashing the sources %s, asking the nodes %s, go build %s, image %s, load %s, total %s\n", ref, size,
		round(keyed.Sub(start)), round(asked.Sub(keyed)), round(built.Sub(asked)), round(imaged.Sub(built)), round(loaded.Sub(imaged)), round(loaded.Sub(start)))
	return ref, nil
}

func round(d time.Duration) time.Duration { return d.Round(10 * time.Millisecond) }
