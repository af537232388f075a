package framework

import (
	"fmt"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	rbacv1 "k8s.io/api/rbac/v1"

	"rbac-e2e/e2e/framework/suite"
)

// Byf is Ginkgo's By with a format: a step in the spec's timeline, so a
// failure shows which helper it happened in.
func Byf(format string, args ...any) { By(fmt.Sprintf(format, args...)) }

// rulesText is a role's rules in a line: "list,get pods; create serviceaccounts/token".
func rulesText(rules []rbacv1.PolicyRule) string {
	var parts []string
	for _, r := range rules {
		var what []string
		for _, res := range r.Resources {
			for _, g := range orAll(r.APIGroups) {
				if g != "" {
					res = g + "/" + res
				}
				what = append(what, res)
			}
		}
		what = append(what, r.NonResourceURLs...)
		text := strings.Join(r.Verbs, ",") + " " + strings.Join(what, ",")
		if len(r.ResourceNames) > 0 {
			text += " named " + strings.Join(r.ResourceNames, ",")
		}
		parts = append(parts, text)
	}
	if len(parts) == 0 {
		return "no rules"
	}
	return strings.Join(parts, "; ")
}

func orAll(groups []string) []string {
	if len(groups) == 0 {
		return []string{""}
	}
	return groups
}

// subjectsText names binding subjects: "ServiceAccount ns/sa, Group g".
func subjectsText(subjects []rbacv1.Subject) string {
	var parts []string
	for _, s := range subjects {
		name := s.Name
		if s.Namespace != "" {
			name = s.Namespace + "/" + name
		}
		parts = append(parts, s.Kind+" "+name)
	}
	if len(parts) == 0 {
		return "no subjects"
	}
	return strings.Join(parts, ", ")
}

// shortPath is a path of the repository relative to its root, for steps.
func shortPath(path string) string {
	root, err := suite.ModuleRoot()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}
