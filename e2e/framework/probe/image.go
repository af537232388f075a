package probe

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Repository is the probe image's name; its tag is a hash of the binary.
const Repository = "rbac-e2e/probe"

// Entrypoint is where the binary sits in the image.
const Entrypoint = "/probe"

// nonRoot is the user the image runs as (the distroless "nonroot" uid).
const nonRoot = 65532

// WriteImage makes an image of the binary alone (an empty base, one layer, an
// entrypoint) and writes it as a Docker image archive, returning its ref.
func WriteImage(binary, archive string) (string, error) {
	bin, err := os.ReadFile(binary)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(bin)
	ref := Repository + ":" + hex.EncodeToString(sum[:])[:12]
	return ref, writeImage(bin, archive, ref)
}

// WriteImageAs is WriteImage with the ref given (Install tags the image
// with the probe's SourceKey).
func WriteImageAs(binary, archive, ref string) error {
	bin, err := os.ReadFile(binary)
	if err != nil {
		return err
	}
	return writeImage(bin, archive, ref)
}

func writeImage(bin []byte, archive, ref string) error {
	tag, err := name.NewTag(ref)
	if err != nil {
		return err
	}
	img, err := imageOf(bin)
	if err != nil {
		return fmt.Errorf("making the probe image: %w", err)
	}
	if err := tarball.WriteToFile(archive, tag, img); err != nil {
		return fmt.Errorf("writing the probe image archive %s: %w", archive, err)
	}
	return nil
}

func imageOf(bin []byte) (v1.Image, error) {
	layerTar, err := tarOf(Entrypoint[1:], bin)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, tarball.WithCompressionLevel(gzip.BestSpeed))
	if err != nil {
		return nil, err
	}
	cf, err := empty.Image.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", runtime.GOARCH
	cf.Config = v1.Config{Entrypoint: []string{Entrypoint}, User: fmt.Sprintf("%d:%d", nonRoot, nonRoot)}
	img, err := mutate.ConfigFile(empty.Image, cf)
	if err != nil {
		return nil, err
	}
	return mutate.AppendLayers(img, layer)
}

// tarOf is a tar stream holding one executable file.
func tarOf(path string, content []byte) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	hdr := &tar.Header{Name: path, Mode: 0o755, Size: int64(len(content)), Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return nil, err
	}
	if _, err := tw.Write(content); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
