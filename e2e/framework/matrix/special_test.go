package matrix_test

import (
	"strings"
	"testing"

	"rbac-e2e/e2e/framework/matrix"
)

func TestSpecialVerbs(t *testing.T) {
	doc := `subjects: [{user: alice}]
rows:
  - verbs: [bind, escalate]
    resources: rbac.authorization.k8s.io/v1/clusterroles
    allowed: true
  - verbs: impersonate
    resources: v1/users
    name: bob
    allowed: true
  - verbs: [approve, sign, attest]
    resources: certificates.k8s.io/v1/signers
    allowed: false
  - verbs: use
    resources: policy/v1beta1/podsecuritypolicies
    name: restricted
    allowed: true
`
	m, err := matrix.Parse("s.yaml", []byte(doc))
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	if len(m.Checks) != 7 {
		t.Fatalf("Parse() made %d checks, want 7", len(m.Checks))
	}
	for _, c := range m.Checks {
		_, why := c.Plan()
		if !strings.HasPrefix(why, matrix.ReviewOnlyReason) || !strings.Contains(why, c.Verb) {
			t.Errorf("%s: Plan() review only %q, want the review-only reason naming %s", c.Target(), why, c.Verb)
		}
	}
	_, err = matrix.Parse("s.yaml", []byte("subjects: [{user: alice}]\nrows:\n  - verbs: [bind, gett]\n    resources: v1/pods\n    namespaces: a\n    allowed: true\n"))
	if err == nil || !strings.Contains(err.Error(), `s.yaml:3: rows[0].verbs[1]: unknown verb "gett"`) {
		t.Errorf("Parse(gett) = %v, want unknown verb", err)
	}
}
