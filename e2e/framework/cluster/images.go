package cluster

import (
	"bytes"
	"fmt"
	"strings"
)

// HasImage tells whether the containerd of every node holds the image ref
// (in the k8s.io namespace, where LoadImageArchive puts images and the
// kubelet looks for them).
func (c *Cluster) HasImage(ref string) (bool, error) {
	ns, err := c.provider.ListNodes(c.Name)
	if err != nil {
		return false, fmt.Errorf("listing the nodes of cluster %q: %w", c.Name, err)
	}
	if len(ns) == 0 {
		return false, fmt.Errorf("cluster %q has no nodes", c.Name)
	}
	for _, n := range ns {
		var out, errOut bytes.Buffer
		if err := n.Command("ctr", "--namespace=k8s.io", "images", "ls", "-q").SetStdout(&out).SetStderr(&errOut).Run(); err != nil {
			return false, fmt.Errorf("listing the images of node %s: %v: %s", n.String(), err, errOut.String())
		}
		if !listsImage(out.String(), ref) {
			return false, nil
		}
	}
	return true, nil
}

// listsImage tells whether `ctr images ls -q` output names ref, which
// containerd stores fully qualified (docker.io/ for a name with no registry).
func listsImage(list, ref string) bool {
	want := []string{ref}
	if first, _, _ := strings.Cut(ref, "/"); !strings.ContainsAny(first, ".:") && first != "localhost" {
		want = append(want, "docker.io/"+ref)
	}
	for _, line := range strings.Split(list, "\n") {
		for _, w := range want {
			if strings.TrimSpace(line) == w {
				return true
			}
		}
	}
	return false
}
