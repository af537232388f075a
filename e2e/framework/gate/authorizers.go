package gate

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/identity"
)

// rbacDecidesAlone tells whether the API server authorizes with RBAC alone
// (and the Node authorizer, which answers only for nodes' users), read
// from its own command line. Only then may the sweep infer a subject's
// answers in namespaces where no RoleBinding applies to it from one such
// namespace (effective.SweepInput.RoleBindings); a webhook or any other
// authorizer may answer per namespace, so everything is asked. why says
// which, for the log.
func rbacDecidesAlone(ctx context.Context, admin kubernetes.Interface) (alone bool, why string) {
	pod, args, err := identity.APIServerCommand(ctx, admin)
	if err != nil {
		return false, fmt.Sprintf("the API server's authorizers are unknown (%v): every namespace is asked", err)
	}
	if cfg := identity.FlagValues(args, "authorization-config"); len(cfg) > 0 {
		return false, fmt.Sprintf("%s authorizes through a configuration file (--authorization-config): every namespace is asked", pod)
	}
	modes := strings.Split(strings.Join(identity.FlagValues(args, "authorization-mode"), ","), ",")
	for _, m := range modes {
		if m != "RBAC" && m != "Node" {
			return false, fmt.Sprintf("%s authorizes with %s: every namespace is asked", pod, strings.Join(modes, ","))
		}
	}
	if !slices.Contains(modes, "RBAC") {
		return false, fmt.Sprintf("%s does not name RBAC among its authorizers: every namespace is asked", pod)
	}
	return true, fmt.Sprintf("%s authorizes with %s: a subject's answers in namespaces where no RoleBinding applies to it are those of one such namespace", pod, strings.Join(modes, ","))
}
