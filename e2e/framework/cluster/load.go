package cluster

import (
	"fmt"
	"os"

	"sigs.k8s.io/kind/pkg/cluster/nodeutils"
)

// LoadImageArchive imports an image archive (Docker or OCI tarball) into the
// containerd of every node, as `kind load image-archive` does, so Pods can run
// it with imagePullPolicy Never and no registry.
func (c *Cluster) LoadImageArchive(path string) error {
	ns, err := c.provider.ListNodes(c.Name)
	if err != nil {
		return fmt.Errorf("listing the nodes of cluster %q: %w", c.Name, err)
	}
	if len(ns) == 0 {
		return fmt.Errorf("cluster %q has no nodes", c.Name)
	}
	for _, n := range ns {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		err = nodeutils.LoadImageArchive(n, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("loading %s into node %s: %w", path, n.String(), err)
		}
	}
	return nil
}
