// Command clean-cluster deletes the suite's kind cluster (one kept with
// E2E_REUSE_CLUSTER=true) through kind's library.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"rbac-e2e/e2e/framework/cluster"
)

func main() {
	name := os.Getenv("E2E_CLUSTER_NAME")
	if name == "" {
		name = "rbac-e2e"
	}
	c := cluster.Attach(name, os.Stderr)
	c.KubeconfigPath = filepath.Join(os.TempDir(), "rbac-e2e-"+name+".kubeconfig")
	if err := c.Down(); err != nil {
		fmt.Fprintf(os.Stderr, "clean-cluster: deleting kind cluster %q: %v\n", name, err)
		os.Exit(1)
	}
	fmt.Printf("clean-cluster: kind cluster %q is gone\n", name)
}
