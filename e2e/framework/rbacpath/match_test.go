package rbacpath

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"rbac-e2e/e2e/framework/effective"
)

func TestRuleAllows(t *testing.T) {
	res := func(verb, group, resource, sub, name string) effective.Permission {
		return effective.Permission{Verb: verb, Group: group, Resource: resource, Subresource: sub, Name: name}
	}
	url := func(verb, u string) effective.Permission { return effective.Permission{Verb: verb, URL: u} }
	rule := func(groups, resources, verbs []string) rbacv1.PolicyRule {
		return rbacv1.PolicyRule{APIGroups: groups, Resources: resources, Verbs: verbs}
	}
	s := func(v ...string) []string { return v }
	cases := []struct {
		name string
		rule rbacv1.PolicyRule
		perm effective.Permission
		want bool
	}{
		{"exact", rule(s(""), s("secrets"), s("get")), res("get", "", "secrets", "", ""), true},
		{"other verb", rule(s(""), s("secrets"), s("get")), res("list", "", "secrets", "", ""), false},
		{"verb *", rule(s(""), s("secrets"), s("*")), res("impersonate", "", "secrets", "", ""), true},
		{"other group", rule(s("apps"), s("secrets"), s("get")), res("get", "", "secrets", "", ""), false},
		{"group *", rule(s("*"), s("deployments"), s("get")), res("get", "apps", "deployments", "", ""), true},
		{"resource *", rule(s(""), s("*"), s("get")), res("get", "", "pods", "log", ""), true},
		{"resource without its subresource", rule(s(""), s("pods"), s("get")), res("get", "", "pods", "log", ""), false},
		{"subresource without its resource", rule(s(""), s("pods/log"), s("get")), res("get", "", "pods", "", ""), false},
		{"resource/subresource", rule(s(""), s("pods/log"), s("get")), res("get", "", "pods", "log", ""), true},
		{"*/subresource", rule(s("*"), s("*/scale"), s("update")), res("update", "apps", "deployments", "scale", ""), true},
		{"*/subresource, other subresource", rule(s("*"), s("*/scale"), s("update")), res("update", "apps", "deployments", "status", ""), false},
		{"*/subresource, no subresource", rule(s("*"), s("*/scale"), s("update")), res("update", "apps", "deployments", "", ""), false},
		{"*/subresource, longer name ending alike", rule(s(""), s("*/proxy"), s("get")), res("get", "", "nodes", "xproxy", ""), false},
		{"res/* is literal", rule(s(""), s("nodes/*"), s("get")), res("get", "", "nodes", "proxy", ""), false},
		{"resourceNames, named", rule(s(""), s("secrets"), s("get")), res("get", "", "secrets", "", "a"), true},
		{"named rule, same name", rbacv1.PolicyRule{APIGroups: s(""), Resources: s("users"), ResourceNames: s("alice"), Verbs: s("impersonate")}, res("impersonate", "", "users", "", "alice"), true},
		{"named rule, other name", rbacv1.PolicyRule{APIGroups: s(""), Resources: s("users"), ResourceNames: s("alice"), Verbs: s("impersonate")}, res("impersonate", "", "users", "", "bob"), false},
		{"named rule, any object", rbacv1.PolicyRule{APIGroups: s(""), Resources: s("secrets"), ResourceNames: s("a"), Verbs: s("list")}, res("list", "", "secrets", "", ""), false},
		{"url exact", rbacv1.PolicyRule{NonResourceURLs: s("/healthz"), Verbs: s("get")}, url("get", "/healthz"), true},
		{"url other", rbacv1.PolicyRule{NonResourceURLs: s("/healthz"), Verbs: s("get")}, url("get", "/healthz/etcd"), false},
		{"url trailing *", rbacv1.PolicyRule{NonResourceURLs: s("/healthz/*"), Verbs: s("get")}, url("get", "/healthz/etcd"), true},
		{"url trailing * needs the slash", rbacv1.PolicyRule{NonResourceURLs: s("/healthz/*"), Verbs: s("get")}, url("get", "/healthz"), false},
		{"url prefix *", rbacv1.PolicyRule{NonResourceURLs: s("/api*"), Verbs: s("get")}, url("get", "/apis/apps"), true},
		{"url *", rbacv1.PolicyRule{NonResourceURLs: s("*"), Verbs: s("*")}, url("post", "/made-up"), true},
		{"url rule, other verb", rbacv1.PolicyRule{NonResourceURLs: s("*"), Verbs: s("get")}, url("post", "/metrics"), false},
		{"resource rule never grants a url", rule(s("*"), s("*"), s("*")), url("get", "/metrics"), false},
		{"url rule never grants a resource", rbacv1.PolicyRule{NonResourceURLs: s("*"), Verbs: s("*")}, res("get", "", "pods", "", ""), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := RuleAllows(&c.rule, c.perm); got != c.want {
				t.Errorf("RuleAllows(%s, %+v) = %v, want %v", RuleString(c.rule), c.perm, got, c.want)
			}
		})
	}
}
