// Command clean-cluster deletes the suite's kind cluster and the gate's
// (<name>-gate; either one kept with E2E_REUSE_CLUSTER=true) through kind's
// library.
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
	status := 0
	for _, n := range []string{name, name + "-gate"} {
		c := cluster.Attach(n, os.Stderr)
		c.KubeconfigPath = filepath.Join(os.TempDir(), "rbac-e2e-"+n+".kubeconfig")
		if err := c.Down(); err != nil {
			fmt.Fprintf(os.Stderr, "clean-cluster: deleting kind cluster %q: %v\n", n, err)
			status = 1
			continue
		}
		fmt.Printf("clean-cluster: kind cluster %q is gone\n", n)
	}
	os.Exit(status)
}
