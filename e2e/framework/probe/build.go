package probe

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// Package is the probe's import path.
const Package = "rbac-e2e/e2e/probe"

// BuildBinary compiles the probe into dir as a static Linux binary for the
// nodes' architecture (kind nodes run on this machine, so its own).
func BuildBinary(ctx context.Context, dir string) (string, error) {
	out := filepath.Join(dir, "probe")
	cmd := exec.CommandContext(ctx, "go", append(append([]string{"build"}, buildFlags...), "-o", out, Package)...)
	cmd.Env = append(os.Environ(), buildEnv()...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s: %v (the in-pod probe is built from source: run the suite from inside the rbac-e2e module, with the go tool on PATH)\n%s", Package, err, stderr.String())
	}
	return out, nil
}

// buildFlags and buildEnv are how BuildBinary builds; SourceKey hashes them.
var buildFlags = []string{"-trimpath", "-ldflags=-s -w"}

func buildEnv() []string {
	return []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=" + runtime.GOARCH}
}
