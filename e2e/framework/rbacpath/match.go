package rbacpath

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"rbac-e2e/e2e/framework/effective"
)

// The matchers below are RBAC's own (k8s.io/kubernetes
// pkg/apis/rbac/v1/evaluation_helpers.go and the RBAC authorizer's
// RuleAllows), written again so the suite does not import k8s.io/kubernetes.

func verbMatches(rule *rbacv1.PolicyRule, verb string) bool {
	for _, v := range rule.Verbs {
		if v == rbacv1.VerbAll || v == verb {
			return true
		}
	}
	return false
}

func apiGroupMatches(rule *rbacv1.PolicyRule, group string) bool {
	for _, g := range rule.APIGroups {
		if g == rbacv1.APIGroupAll || g == group {
			return true
		}
	}
	return false
}

// resourceMatches takes "resource" or "resource/subresource" as combined;
// a rule's "*/sub" matches that subresource of every resource, and
// "res/*" matches only the literal resource "res/*" (RBAC has no prefix
// match for resources).
func resourceMatches(rule *rbacv1.PolicyRule, combined, subresource string) bool {
	for _, r := range rule.Resources {
		if r == rbacv1.ResourceAll || r == combined {
			return true
		}
		if subresource == "" {
			continue
		}
		if len(r) == len(subresource)+2 && strings.HasPrefix(r, "*/") && strings.HasSuffix(r, subresource) {
			return true
		}
	}
	return false
}

func resourceNameMatches(rule *rbacv1.PolicyRule, name string) bool {
	if len(rule.ResourceNames) == 0 {
		return true
	}
	for _, n := range rule.ResourceNames {
		if n == name {
			return true
		}
	}
	return false
}

func nonResourceURLMatches(rule *rbacv1.PolicyRule, url string) bool {
	for _, u := range rule.NonResourceURLs {
		if u == rbacv1.NonResourceAll || u == url {
			return true
		}
		if strings.HasSuffix(u, "*") && strings.HasPrefix(url, strings.TrimRight(u, "*")) {
			return true
		}
	}
	return false
}

// RuleAllows is the RBAC authorizer's decision for one rule: a resource
// request needs verb, group, resource and name to match; a non-resource
// request needs verb and URL.
func RuleAllows(rule *rbacv1.PolicyRule, p effective.Permission) bool {
	if p.URL != "" && p.Resource == "" {
		return verbMatches(rule, p.Verb) && nonResourceURLMatches(rule, p.URL)
	}
	combined := p.Resource
	if p.Subresource != "" {
		combined += "/" + p.Subresource
	}
	return verbMatches(rule, p.Verb) &&
		apiGroupMatches(rule, p.Group) &&
		resourceMatches(rule, combined, p.Subresource) &&
		resourceNameMatches(rule, p.Name)
}
