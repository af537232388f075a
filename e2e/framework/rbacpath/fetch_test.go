package rbacpath

import (
	"context"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func TestFetch(t *testing.T) {
	client := fake.NewClientset(
		&rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "a"}},
		&rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "x"}},
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "c"}},
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "d", Namespace: "y"}},
	)
	o, err := Fetch(context.Background(), client)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.ClusterRoles) != 1 || len(o.Roles) != 1 || len(o.ClusterRoleBindings) != 1 || len(o.RoleBindings) != 1 || o.RoleBindings[0].Namespace != "y" {
		t.Errorf("got %+v", o)
	}
}
