package wire

import (
	"encoding/json"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/restricted"
)

// ServiceAccount credentials as the kubelet mounts them (and as
// rest.InClusterConfig() reads them).
const (
	ServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"
	TokenFile         = ServiceAccountDir + "/token"
	CAFile            = ServiceAccountDir + "/ca.crt"
	NamespaceFile     = ServiceAccountDir + "/namespace"
)

// MountedFiles are the files of the ServiceAccount volume.
var MountedFiles = []string{TokenFile, CAFile, NamespaceFile}

// EnvVars are the variables through which a Pod finds the API server.
var EnvVars = []string{"KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "KUBERNETES_PORT_443_TCP_ADDR", "KUBERNETES_PORT_443_TCP_PORT"}

// Healthz is the probe's GET /healthz.
func Healthz() access.Request { return access.Get("/healthz") }

// ListPods lists pods in a namespace, or cluster-wide when it is "".
func ListPods(namespace string) access.Request {
	return access.On("list", "", "v1", "pods").In(namespace)
}

// SelfSubjectReview is the request behind whoami.
func SelfSubjectReview() access.Request {
	return access.On("create", "authentication.k8s.io", "v1", "selfsubjectreviews").
		WithBody([]byte(`{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}`))
}

// DeploymentSteps are the Deployment's life cycle, in order: create, get, delete.
func DeploymentSteps(namespace, name string) []access.Request {
	body, err := json.Marshal(Deployment(namespace, name))
	if err != nil {
		panic(err) // a fixed, well-formed object
	}
	on := func(verb string) access.Request { return access.On(verb, "apps", "v1", "deployments").In(namespace) }
	return []access.Request{on("create").WithBody(body), on("get").Named(name), on("delete").Named(name)}
}

// Deployment is the object the probe sends: no replicas, so it starts
// nothing; its template would pass Pod Security "restricted" all the same.
func Deployment(namespace, name string) *appsv1.Deployment {
	labels := map[string]string{"app.kubernetes.io/name": name}
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](0),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					SecurityContext: restricted.PodSecurityContext(),
					Containers: []corev1.Container{{
						Name: "app", Image: restricted.PauseImage, ImagePullPolicy: corev1.PullNever,
						SecurityContext: restricted.ContainerSecurityContext(),
					}},
				},
			},
		},
	}
}
