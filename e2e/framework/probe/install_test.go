package probe

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type fakeNodes struct {
	has    bool
	asked  string
	loaded int
}

func (f *fakeNodes) HasImage(ref string) (bool, error) { f.asked = ref; return f.has, nil }
func (f *fakeNodes) LoadImageArchive(string) error {
	f.loaded++
	return errors.New("fake nodes take no archive")
}

// With the source key's tag on the nodes, Install neither builds nor loads.
func TestInstallSkipsAnImageTheNodesHold(t *testing.T) {
	key, err := SourceKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	nodes := &fakeNodes{has: true}
	var log strings.Builder
	ref, err := Install(context.Background(), nodes, &log)
	if err != nil {
		t.Fatal(err)
	}
	if want := Repository + ":" + key[:12]; ref != want || nodes.asked != want {
		t.Fatalf("ref %q, asked the nodes for %q; want %q for both", ref, nodes.asked, want)
	}
	if nodes.loaded != 0 || !strings.Contains(log.String(), "nothing built or loaded") {
		t.Fatalf("loaded %d times, log %q; want no load and a line saying so", nodes.loaded, log.String())
	}
}

// The key is stable for unchanged sources and a hex SHA-256.
func TestSourceKeyIsStable(t *testing.T) {
	a, err := SourceKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := SourceKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a != b || len(a) != 64 {
		t.Fatalf("keys %q and %q: want the same 64 hex digits", a, b)
	}
}

// A change to a file the package is built from, or to go.mod, changes the
// key; a file it is not built from does not.
func TestSourceKeyFollowsTheSources(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	key := func() string {
		t.Helper()
		k, err := sourceKey(context.Background(), dir, "./")
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	write("go.mod", "module example.test/p\n\ngo 1.22\n")
	write("main.go", "package main\n\nfunc main() {}\n")
	first := key()
	write("notes.txt", "not a source")
	if key() != first {
		t.Fatal("a file outside the build changed the key")
	}
	write("main.go", "package main\n\nfunc main() { println() }\n")
	second := key()
	if second == first {
		t.Fatal("a changed Go file left the key as it was")
	}
	write("go.mod", "module example.test/p\n\ngo 1.23\n")
	if key() == second {
		t.Fatal("a changed go.mod left the key as it was")
	}
}
