package main

import (
	"os"
	"path/filepath"
	"testing"

	"rbac-e2e/e2e/framework/matrix"
)

// The generated files load as a valid matrix of exactly the asked size.
func TestGenerate(t *testing.T) {
	for _, n := range []int{4, 24, 10000} {
		files, err := generate(n)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		m, err := matrix.Load("/", dir)
		if err != nil {
			t.Fatalf("generate(%d) does not load: %v", n, err)
		}
		if len(m.Checks) != n {
			t.Errorf("generate(%d) = %d checks", n, len(m.Checks))
		}
	}
	if _, err := generate(10); err == nil {
		t.Error("generate(10) = nil error, want one: not a multiple of 4")
	}
}
