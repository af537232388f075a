package framework

import (
	"path/filepath"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"rbac-e2e/e2e/framework/restricted"
	"rbac-e2e/e2e/framework/suite"
)

// The seed Deployment's Pods must start where Pod Security "restricted" is
// enforced, from an image every kind node holds, never pulled.
func TestSeedDeploymentIsRestrictedAndNeverPulls(t *testing.T) {
	path := suite.FixturePath(filepath.Join("seed", "deployment.yaml"))
	obj, err := LoadObject(path)
	if err != nil {
		t.Fatal(err)
	}
	var d appsv1.Deployment
	if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(obj.Object, &d, true); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if v := restricted.Violations(&d.Spec.Template.Spec); len(v) > 0 {
		t.Errorf("%s: Pod Security restricted refuses its Pods: %q", path, v)
	}
	for _, c := range d.Spec.Template.Spec.Containers {
		if c.Image != restricted.PauseImage || c.ImagePullPolicy != corev1.PullNever {
			t.Errorf("%s: container %s: image %s pull policy %q, want %s, Never", path, c.Name, c.Image, c.ImagePullPolicy, restricted.PauseImage)
		}
	}
}
