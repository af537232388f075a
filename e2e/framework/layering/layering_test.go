// Package layering holds the test that enforces the suite's import rules,
// read from `go list`: the libraries under e2e/framework/* return errors and
// never import Ginkgo or Gomega, and never import e2e/framework itself (the
// per-spec framework depends on them, never the other way round); and every
// package of e2e/framework imports of this module only what its doc.go
// lists.
package layering

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
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
	Dir        string
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

// listItem is one entry of a doc.go's import list: "//   - e2e/framework/x".
var listItem = regexp.MustCompile(`^//\s+- (\S+)$`)

// declaredImports are the imports of this module a package's doc.go lists
// below its "Imports of this module it may have" sentence ("none" for none).
func declaredImports(doc string) ([]string, bool) {
	var out []string
	in, found := false, false
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "// Imports of this module it may have") {
			in, found = true, true
			continue
		}
		if !in {
			continue
		}
		if m := listItem.FindStringSubmatch(line); m != nil {
			if m[1] != "none" {
				out = append(out, module+"/"+m[1])
			}
		} else if !strings.HasPrefix(line, "//") || strings.TrimSpace(line) == "//" {
			in = false
		}
	}
	return out, found
}

func TestEveryPackageImportsWhatItsDocSays(t *testing.T) {
	for _, p := range listPackages(t, "../...") {
		if p.ImportPath != framework && !strings.HasPrefix(p.ImportPath, framework+"/") || strings.HasSuffix(p.ImportPath, "/layering") {
			continue
		}
		doc, err := os.ReadFile(filepath.Join(p.Dir, "doc.go"))
		if err != nil {
			t.Errorf("%s has no doc.go saying what it holds and what it may import: %v", p.ImportPath, err)
			continue
		}
		allowed, ok := declaredImports(string(doc))
		if !ok {
			t.Errorf("%s/doc.go has no \"Imports of this module it may have\" list", p.ImportPath)
			continue
		}
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, module+"/") && !slices.Contains(allowed, imp) {
				t.Errorf("%s imports %s, which its doc.go does not list: add it there if the dependency is meant (and keep libraries off e2e/framework)", p.ImportPath, imp)
			}
		}
	}
}

func TestDeclaredImports(t *testing.T) {
	doc := "// Package x does y.\n//\n// Imports of this module it may have (…).\n//   - e2e/framework/secrets\n//   - e2e/probe/wire\npackage x\n"
	got, ok := declaredImports(doc)
	if !ok || strings.Join(got, " ") != module+"/e2e/framework/secrets "+module+"/e2e/probe/wire" {
		t.Fatalf("declaredImports = %q, %t", got, ok)
	}
	if got, ok := declaredImports("//\n// Imports of this module it may have (…).\n//   - none\npackage y\n"); !ok || len(got) != 0 {
		t.Fatalf("none: declaredImports = %q, %t", got, ok)
	}
}

func TestViolationsSeesABadImport(t *testing.T) {
	bad := goPackage{ImportPath: framework + "/x", Imports: []string{"github.com/onsi/ginkgo/v2", framework, "fmt"}}
	if got := violations(bad); len(got) != 2 {
		t.Fatalf("violations(%v) = %q, want two", bad, got)
	}
	if got := violations(goPackage{ImportPath: framework + "/suite", Imports: []string{framework}}); len(got) != 1 {
		t.Fatalf("the suite's plumbing importing the per-spec framework: violations = %q, want one", got)
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
	out, err := exec.Command("go", "list", "-json=ImportPath,Dir,Imports", pattern).Output()
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
