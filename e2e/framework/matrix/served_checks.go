package matrix

import (
	"cmp"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"rbac-e2e/e2e/framework/access"
)

// ServedChecks expands discovery answers (one list per group version, as
// discovery.ServerGroupsAndResources returns them, subresources included)
// into one allowed check per served resource or subresource and each verb
// discovery lists for it: namespaced ones in namespace, the others at
// cluster scope, every object named by Request's probe name. Verbs the
// suite cannot send (outside access.Verbs, or a collection verb on a
// subresource) come back in skipped, as "verb v1/pods/log".
func ServedChecks(lists []*metav1.APIResourceList, subject Subject, namespace string) (checks []Check, skipped []string) {
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			continue
		}
		for _, r := range l.APIResources {
			resource, sub, _ := strings.Cut(r.Name, "/")
			c := Check{Subject: subject, Resource: gv.WithResource(resource), Subresource: sub, Allowed: true}
			if r.Namespaced {
				c.Namespace = namespace
			}
			for _, verb := range r.Verbs {
				if !slices.Contains(access.Verbs, verb) || (sub != "" && collectionVerb(verb)) {
					skipped = append(skipped, verb+" "+gvrString(gv.WithResource(r.Name)))
					continue
				}
				c.Verb = verb
				checks = append(checks, c)
			}
		}
	}
	slices.SortFunc(checks, func(a, b Check) int {
		return cmp.Or(cmp.Compare(gvrString(a.Resource), gvrString(b.Resource)),
			cmp.Compare(a.Subresource, b.Subresource), cmp.Compare(a.Verb, b.Verb))
	})
	checks = slices.CompactFunc(checks, func(a, b Check) bool { return a.key() == b.key() })
	slices.Sort(skipped)
	return checks, slices.Compact(skipped)
}

// collectionVerb acts on a collection, which a subresource never is.
func collectionVerb(verb string) bool {
	return verb == "list" || verb == "watch" || verb == "deletecollection"
}
