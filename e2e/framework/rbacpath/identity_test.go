package rbacpath

import (
	"slices"
	"testing"

	"rbac-e2e/e2e/framework/matrix"
)

func TestIdentityOf(t *testing.T) {
	cases := []struct {
		subject matrix.Subject
		want    Identity
	}{
		{matrix.Subject{ServiceAccount: "apitest/admin-sa"}, Identity{"system:serviceaccount:apitest:admin-sa", []string{"system:serviceaccounts", "system:serviceaccounts:apitest", "system:authenticated"}}},
		{matrix.Subject{User: "jane@example.com"}, Identity{"jane@example.com", []string{"system:authenticated"}}},
		{matrix.Subject{User: "jane@example.com", Groups: []string{"system:masters"}}, Identity{"jane@example.com", []string{"system:masters", "system:authenticated"}}},
		{matrix.Subject{User: "jane@example.com", Groups: []string{"system:authenticated", "a"}}, Identity{"jane@example.com", []string{"system:authenticated", "a"}}},
		{matrix.Subject{User: "system:anonymous"}, Identity{"system:anonymous", []string{"system:unauthenticated"}}},
		{matrix.Subject{User: "bob", Groups: []string{"system:unauthenticated"}}, Identity{"bob", []string{"system:unauthenticated"}}},
		{matrix.Subject{User: "system:serviceaccount:default:default"}, Identity{"system:serviceaccount:default:default", []string{"system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"}}},
		{matrix.Subject{User: "system:serviceaccount:default:default", Groups: []string{"g"}}, Identity{"system:serviceaccount:default:default", []string{"g", "system:authenticated"}}},
	}
	for _, c := range cases {
		got := IdentityOf(c.subject)
		if got.Name != c.want.Name || !slices.Equal(got.Groups, c.want.Groups) {
			t.Errorf("IdentityOf(%s) = %+v, want %+v", c.subject, got, c.want)
		}
	}
}
