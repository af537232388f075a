// Package layering holds the test that enforces the suite's import rules,
// read from `go list`: the libraries under e2e/framework/* return errors and
// never import Ginkgo or Gomega, and never import e2e/framework itself (the
// per-spec framework depends on them, never the other way round).
package layering

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const (
	module    = "rbac-e2e"
	framework = module + "/e2e/framework"
)

// forbidden are imports no library package may have.
var forbidden = []string{"github.com/onsi/ginkgo", "github.com/onsi/gomega"}

type goPackage struct {
	ImportPath string
	Imports    []string
}

func TestLibrariesDoNotImportGinkgoOrTheFramework(t *testing.T) {
	pkgs := listPackages(t, "../...")
	checked := 0
	for _, p := range pkgs {
		if !strings.HasPrefix(p.ImportPath, framework+"/") {
			continue
		}
		checked++
		for _, problem := range violations(p) {
			t.Error(problem)
		}
	}
	if checked == 0 {
		t.Fatal("go list named no package under " + framework + "/: the rule checked nothing")
	}
}

// violations says what is wrong with a library package's imports.
func violations(p goPackage) []string {
	var out []string
	for _, imp := range p.Imports {
		for _, f := range forbidden {
			if imp == f || strings.HasPrefix(imp, f+"/") {
				out = append(out, fmt.Sprintf("%s imports %s: libraries return errors and leave Ginkgo and Gomega to the specs", p.ImportPath, imp))
			}
		}
		if imp == framework {
			out = append(out, fmt.Sprintf("%s imports %s: the per-spec framework builds on the libraries, never the other way round", p.ImportPath, imp))
		}
	}
	return out
}

func TestViolationsSeesABadImport(t *testing.T) {
	bad := goPackage{ImportPath: framework + "/x", Imports: []string{"github.com/onsi/ginkgo/v2", framework, "fmt"}}
	if got := violations(bad); len(got) != 2 {
		t.Fatalf("violations(%v) = %q, want two", bad, got)
	}
	if got := violations(goPackage{ImportPath: framework + "/y", Imports: []string{"fmt", framework + "/access"}}); len(got) != 0 {
		t.Fatalf("a clean package had violations: %q", got)
	}
}

// listPackages runs `go list -json` on the pattern (test imports excluded:
// a library's own tests may use what they like).
func listPackages(t *testing.T, pattern string) []goPackage {
	t.Helper()
	readSources(t, strings.TrimSuffix(pattern, "/..."))
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", pattern).Output()
	if err != nil {
		msg := err.Error()
		if ee, ok := err.(*exec.ExitError); ok {
			msg += ": " + string(ee.Stderr)
		}
		t.Fatalf("go list %s: %s", pattern, msg)
	}
	var pkgs []goPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p goPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// readSources reads every Go file under dir, so that `go test` caches this
// test's result only while they are unchanged (it cannot see what the go
// list process reads).
func readSources(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		_, err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatalf("reading the sources under %s: %v", dir, err)
	}
}
