package identity

import (
	"context"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// APIServerAudiences are the audiences a kube-apiserver started with args
// (its command line) puts into a token no one asked audiences for:
// --api-audiences (comma-separated, may repeat), or when that is absent
// every --service-account-issuer, as the apiserver itself defaults them.
// from names the flag the answer came from.
func APIServerAudiences(args []string) (audiences []string, from string, err error) {
	var apiAudiences []string
	for _, v := range FlagValues(args, "api-audiences") {
		for _, a := range strings.Split(v, ",") {
			if a = strings.TrimSpace(a); a != "" {
				apiAudiences = append(apiAudiences, a)
			}
		}
	}
	var issuers []string
	for _, v := range FlagValues(args, "service-account-issuer") {
		if v != "" {
			issuers = append(issuers, v)
		}
	}
	switch {
	case len(apiAudiences) > 0:
		return apiAudiences, "--api-audiences", nil
	case len(issuers) > 0:
		return issuers, "--service-account-issuer (no --api-audiences)", nil
	}
	return nil, "", fmt.Errorf("neither --api-audiences nor --service-account-issuer in the command line")
}

// FlagValues are the values of a long flag (--name=value or --name value)
// in a command line, in order.
func FlagValues(args []string, name string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		flag, value, hasValue := strings.Cut(args[i], "=")
		if flag != "--"+name {
			continue
		}
		if !hasValue && i+1 < len(args) {
			i++
			value = args[i]
		}
		out = append(out, value)
	}
	return out
}

// APIServerCommand is the command line of a kube-apiserver static Pod in
// kube-system (label component=kube-apiserver, as kubeadm makes it):
// its first container's command followed by its args. Its name says which
// Pod it is.
func APIServerCommand(ctx context.Context, admin kubernetes.Interface) (pod string, args []string, err error) {
	pods, err := admin.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{LabelSelector: "component=kube-apiserver"})
	if err != nil {
		return "", nil, fmt.Errorf("listing kube-apiserver Pods in kube-system: %w", err)
	}
	if len(pods.Items) == 0 || len(pods.Items[0].Spec.Containers) == 0 {
		return "", nil, fmt.Errorf("no kube-apiserver Pod (label component=kube-apiserver) in kube-system")
	}
	p := pods.Items[0]
	c := p.Spec.Containers[0]
	return p.Name, append(append([]string{}, c.Command...), c.Args...), nil
}
