package suite

import (
	"fmt"
	"os"
	"path/filepath"
)

// ModuleRoot is the repository's root: the folder of go.mod, found from the
// working directory upwards (go test runs in the package's folder).
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s: run the suite from the repository", dir)
		}
	}
}

// FixturePath is the path of a file under the repository's fixtures/ folder.
func FixturePath(rel string) string {
	root, err := ModuleRoot()
	if err != nil {
		return filepath.Join("fixtures", rel)
	}
	return filepath.Join(root, "fixtures", rel)
}
