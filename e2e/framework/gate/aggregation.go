package gate

import (
	"context"
	"fmt"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// unsettled names the first aggregated ClusterRole whose rules are not yet
// every rule of the ClusterRoles its selectors match (what the controller
// manager's aggregation controller copies), or "" when all are settled.
func unsettled(crs []rbacv1.ClusterRole) string {
	for _, cr := range crs {
		if cr.AggregationRule == nil {
			continue
		}
		var want []rbacv1.PolicyRule
		for _, sel := range cr.AggregationRule.ClusterRoleSelectors {
			s, err := metav1.LabelSelectorAsSelector(&sel)
			if err != nil {
				continue
			}
			for _, src := range crs {
				if src.Name == cr.Name || !s.Matches(labels.Set(src.Labels)) {
					continue
				}
				for _, rule := range src.Rules {
					if !hasRule(want, rule) {
						want = append(want, rule)
					}
				}
			}
		}
		for _, rule := range want {
			if !hasRule(cr.Rules, rule) {
				return fmt.Sprintf("ClusterRole %s lacks %s", cr.Name, ruleText(rule))
			}
		}
		for _, rule := range cr.Rules {
			if !hasRule(want, rule) {
				return fmt.Sprintf("ClusterRole %s still has %s", cr.Name, ruleText(rule))
			}
		}
	}
	return ""
}

func hasRule(rules []rbacv1.PolicyRule, r rbacv1.PolicyRule) bool {
	for _, x := range rules {
		if equality.Semantic.DeepEqual(x, r) {
			return true
		}
	}
	return false
}

func ruleText(r rbacv1.PolicyRule) string {
	return fmt.Sprintf("apiGroups %q resources %q resourceNames %q nonResourceURLs %q verbs %q", r.APIGroups, r.Resources, r.ResourceNames, r.NonResourceURLs, r.Verbs)
}

// waitAggregated waits (RBACTimeout) until every aggregated ClusterRole
// holds exactly the rules of the roles it selects, then waits for the
// authorizer to see that (inEffect): a sweep must not catch aggregation
// half-way.
func (r *Run) waitAggregated(ctx context.Context) error {
	var why string
	err := r.eventually(ctx, func(ctx context.Context) error {
		list, err := r.In.Admin.RbacV1().ClusterRoles().List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		if why = unsettled(list.Items); why != "" {
			return fmt.Errorf("aggregation not settled: %s", why)
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.step++
	return r.inEffect(ctx, r.step)
}
