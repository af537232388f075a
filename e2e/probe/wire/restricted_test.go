package wire

import (
	"testing"

	"rbac-e2e/e2e/framework/restricted"
)

func TestDeploymentTemplateIsRestricted(t *testing.T) {
	if v := restricted.Violations(&Deployment("ns", "d").Spec.Template.Spec); len(v) > 0 {
		t.Errorf("the probe's Deployment: Pod Security restricted refuses its Pods: %q", v)
	}
}
