package probe

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// SourceKey is a hash of what BuildBinary builds the probe from: the Go
// toolchain (GOROOT/VERSION), the target, the build flags, the main module's
// go.mod and go.sum (which pin every dependency) and the files of the main
// module's packages the probe imports. Equal keys build equal binaries, so
// an image tagged with the key need neither be rebuilt nor loaded again.
func SourceKey(ctx context.Context) (string, error) { return sourceKey(ctx, "", Package) }

// sourceKey is SourceKey for any package, with go list run in dir ("" is
// the current directory).
func sourceKey(ctx context.Context, dir, pkg string) (string, error) {
	const format = `{{if .Standard}}{{if eq .ImportPath "runtime"}}goroot {{.Root}}{{"\n"}}{{end}}` +
		`{{else if .Module}}{{if .Module.Main}}gomod {{.Module.GoMod}}{{"\n"}}` +
		`{{$d := .Dir}}{{range .GoFiles}}file {{$d}}/{{.}}{{"\n"}}{{end}}{{range .EmbedFiles}}file {{$d}}/{{.}}{{"\n"}}{{end}}{{end}}{{end}}`
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-f", format, pkg)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), buildEnv()...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go list -deps %s: %v\n%s", pkg, err, stderr.String())
	}
	h := sha256.New()
	fmt.Fprintf(h, "target %s flags %q\n", runtime.GOARCH, buildFlags)
	seen := map[string]bool{}
	for _, line := range strings.Split(stdout.String(), "\n") {
		kind, path, ok := strings.Cut(line, " ")
		if !ok || seen[line] {
			continue
		}
		seen[line] = true
		var files []string
		switch kind {
		case "goroot":
			files = []string{filepath.Join(path, "VERSION")}
			fmt.Fprintf(h, "goroot %s\n", path) // a toolchain with no VERSION file still counts
		case "gomod":
			files = []string{path, filepath.Join(filepath.Dir(path), "go.sum")}
		case "file":
			files = []string{path}
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil && !os.IsNotExist(err) {
				return "", fmt.Errorf("hashing the probe's sources: %w", err)
			}
			fmt.Fprintf(h, "%s %d\n", f, len(b))
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
