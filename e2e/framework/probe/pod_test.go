package probe

import (
	"testing"

	"k8s.io/utils/ptr"

	"rbac-e2e/e2e/framework/restricted"
)

func TestPodIsRestricted(t *testing.T) {
	for _, p := range []Pod{{Name: "once"}, {Name: "always", RestartAlways: true, AutomountToken: ptr.To(false)}} {
		obj := p.Object()
		if v := restricted.Violations(&obj.Spec); len(v) > 0 {
			t.Errorf("probe Pod %s: Pod Security restricted refuses it: %q", p.Name, v)
		}
		if u := obj.Spec.SecurityContext.RunAsUser; u == nil || *u != nonRoot {
			t.Errorf("probe Pod %s runs as %v, want the image's user %d", p.Name, u, nonRoot)
		}
	}
}
