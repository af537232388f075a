package effective

import (
	"context"
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/manifest"
	"rbac-e2e/e2e/framework/matrix"
)

// GroupMemberPrefix starts the made-up user a group subject is swept as:
// rbac-e2e:member-of:<group>, in that group only (plus what the API server
// adds, see UserInfo).
const GroupMemberPrefix = "rbac-e2e:member-of:"

// Well-known names the API server gives (k8s.io/apiserver's user and
// serviceaccount packages).
const (
	allAuthenticated   = "system:authenticated"
	allUnauthenticated = "system:unauthenticated"
	anonymous          = "system:anonymous"
	serviceAccounts    = "system:serviceaccounts"
	saUserPrefix       = "system:serviceaccount:"
)

// GroupMember is the subject a group named by a binding is swept as.
func GroupMember(group string) matrix.Subject {
	return matrix.Subject{User: GroupMemberPrefix + group, Groups: []string{group}}
}

// UserInfo is who the authorizer sees for a subject, as the API server
// would give it. A ServiceAccount's token authenticates as
// system:serviceaccount:<ns>:<name> in system:serviceaccounts,
// system:serviceaccounts:<ns> and system:authenticated. An impersonated
// user gets the impersonated groups; without groups, a ServiceAccount's
// user name gets that account's groups; then system:authenticated is added
// unless system:authenticated or system:unauthenticated is there already,
// and system:anonymous gets system:unauthenticated instead (the
// impersonation filter of k8s.io/apiserver).
func UserInfo(s matrix.Subject) (user string, groups []string) {
	if s.IsServiceAccount() {
		ns, _ := s.NamespaceName()
		return s.Username(), []string{serviceAccounts, serviceAccounts + ":" + ns, allAuthenticated}
	}
	groups = slices.Clone(s.Groups)
	if rest, ok := strings.CutPrefix(s.User, saUserPrefix); ok && len(groups) == 0 {
		if ns, _, ok := strings.Cut(rest, ":"); ok {
			groups = []string{serviceAccounts, serviceAccounts + ":" + ns}
		}
	}
	if slices.Contains(groups, allAuthenticated) || slices.Contains(groups, allUnauthenticated) {
		return s.User, groups
	}
	if s.User == anonymous {
		return s.User, append(groups, allUnauthenticated)
	}
	return s.User, append(groups, allAuthenticated)
}

// SubjectsOf are the subjects to sweep, sorted by Key without duplicates:
// every subject a RoleBinding or ClusterRoleBinding of the manifests names
// (a group as GroupMember), every subject of the access matrix m (may be
// nil), and every ServiceAccount of serviceAccountNamespaces, listed with
// client (may be nil when there are none).
func SubjectsOf(ctx context.Context, manifests []manifest.Object, m *matrix.Matrix, serviceAccountNamespaces []string, client kubernetes.Interface) ([]matrix.Subject, error) {
	var out []matrix.Subject
	for _, o := range manifests {
		gvk := o.GroupVersionKind()
		if gvk.Group != rbacv1.GroupName || (gvk.Kind != "RoleBinding" && gvk.Kind != "ClusterRoleBinding") {
			continue
		}
		var b rbacv1.RoleBinding // a ClusterRoleBinding's subjects read the same
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &b); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", o.Source, o.Describe(), err)
		}
		for _, s := range b.Subjects {
			switch s.Kind {
			case rbacv1.ServiceAccountKind:
				ns := s.Namespace
				if ns == "" {
					ns = b.Namespace // the authorizer's default for a RoleBinding
				}
				out = append(out, matrix.Subject{ServiceAccount: ns + "/" + s.Name})
			case rbacv1.UserKind:
				out = append(out, matrix.Subject{User: s.Name})
			case rbacv1.GroupKind:
				out = append(out, GroupMember(s.Name))
			default:
				return nil, fmt.Errorf("%s: %s names a subject of kind %q (want ServiceAccount, User or Group)", o.Source, o.Describe(), s.Kind)
			}
		}
	}
	if m != nil {
		for _, sc := range m.BySubject() {
			out = append(out, sc.Subject)
		}
	}
	for _, ns := range serviceAccountNamespaces {
		if client == nil {
			return nil, fmt.Errorf("listing the ServiceAccounts of %s: no client", ns)
		}
		list, err := client.CoreV1().ServiceAccounts(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, fmt.Errorf("listing the ServiceAccounts of %s: %w", ns, err)
		}
		for _, sa := range list.Items {
			out = append(out, matrix.Subject{ServiceAccount: ns + "/" + sa.Name})
		}
	}
	return sortSubjects(out), nil
}

// sortSubjects orders subjects by Key and drops repeats (keeping the
// first, with where it was named).
func sortSubjects(ss []matrix.Subject) []matrix.Subject {
	slices.SortStableFunc(ss, func(a, b matrix.Subject) int { return strings.Compare(a.Key(), b.Key()) })
	return slices.CompactFunc(ss, func(a, b matrix.Subject) bool { return a.Key() == b.Key() })
}
