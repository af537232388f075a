package forensics

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"rbac-e2e/e2e/framework/secrets"
)

// Scope is what one spec made.
type Scope struct {
	// Namespaces are the spec's own: their events, ServiceAccounts, Roles
	// and RoleBindings are written, whoever made them.
	Namespaces []string
	// Selector selects what the spec labelled as its own: more namespaces,
	// ClusterRoles, ClusterRoleBindings, and Roles and RoleBindings in
	// namespaces that are not its own.
	Selector string
}

// Object is one object a spec left, as kubectl names it.
type Object struct {
	Resource  string // plural resource name: namespaces, clusterroles, …
	Kind      string
	Namespace string
	Name      string
}

func (o Object) String() string {
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

// Found is what Write found and wrote.
type Found struct {
	Dir        string
	Namespaces []string // the spec's namespaces that still exist
	Objects    []Object // every object written, namespaces included
	Files      []string
}

// Own are the objects that stand for everything the spec left: its
// namespaces (whatever is in them goes with them) and its labelled objects
// outside them.
func (f Found) Own() []Object {
	var out []Object
	for _, o := range f.Objects {
		if o.Namespace == "" || !slices.Contains(f.Namespaces, o.Namespace) {
			out = append(out, o)
		}
	}
	return out
}

// Write writes a failed spec's objects into dir: spec.txt (report, then
// what was looked at), events.txt, and one YAML file per kind, without
// managedFields. Secrets are never read. Everything goes through
// secrets.Redact. Write goes on past a list that fails, says so in the
// file, and returns every such error.
func Write(ctx context.Context, client kubernetes.Interface, dir string, scope Scope, report string) (Found, error) {
	found := Found{Dir: dir}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return found, err
	}
	var errs []error
	note := func(err error) string {
		errs = append(errs, err)
		return "# " + err.Error() + "\n"
	}
	selected := metav1.ListOptions{LabelSelector: scope.Selector}

	// Namespaces: the named ones and the labelled ones.
	var namespaces []corev1.Namespace
	var nsNotes string
	for _, name := range scope.Namespaces {
		ns, err := client.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			nsNotes += fmt.Sprintf("# namespace %s: gone already\n", name)
		case err != nil:
			nsNotes += note(fmt.Errorf("getting namespace %s: %w", name, err))
		default:
			namespaces = append(namespaces, *ns)
		}
	}
	if scope.Selector != "" {
		l, err := client.CoreV1().Namespaces().List(ctx, selected)
		if err != nil {
			nsNotes += note(fmt.Errorf("listing namespaces %s: %w", scope.Selector, err))
		} else {
			namespaces = append(namespaces, l.Items...)
		}
	}
	namespaces = uniqueBy(namespaces, func(ns corev1.Namespace) string { return ns.Name })
	for _, ns := range namespaces {
		found.Namespaces = append(found.Namespaces, ns.Name)
	}

	var events []corev1.Event
	var eventNotes string
	for _, ns := range found.Namespaces {
		e, err := ListEvents(ctx, client, ns)
		if err != nil {
			eventNotes += note(err)
		}
		events = append(events, e...)
	}

	var sas []corev1.ServiceAccount
	var roles []rbacv1.Role
	var bindings []rbacv1.RoleBinding
	var saNotes, roleNotes, bindingNotes string
	for _, ns := range found.Namespaces {
		opts := metav1.ListOptions{}
		if l, err := client.CoreV1().ServiceAccounts(ns).List(ctx, opts); err != nil {
			saNotes += note(fmt.Errorf("listing ServiceAccounts of namespace %s: %w", ns, err))
		} else {
			sas = append(sas, l.Items...)
		}
		if l, err := client.RbacV1().Roles(ns).List(ctx, opts); err != nil {
			roleNotes += note(fmt.Errorf("listing Roles of namespace %s: %w", ns, err))
		} else {
			roles = append(roles, l.Items...)
		}
		if l, err := client.RbacV1().RoleBindings(ns).List(ctx, opts); err != nil {
			bindingNotes += note(fmt.Errorf("listing RoleBindings of namespace %s: %w", ns, err))
		} else {
			bindings = append(bindings, l.Items...)
		}
	}
	var clusterRoles []rbacv1.ClusterRole
	var clusterBindings []rbacv1.ClusterRoleBinding
	var crNotes, crbNotes string
	if scope.Selector != "" {
		if l, err := client.RbacV1().Roles(metav1.NamespaceAll).List(ctx, selected); err != nil {
			roleNotes += note(fmt.Errorf("listing Roles %s: %w", scope.Selector, err))
		} else {
			roles = append(roles, l.Items...)
		}
		if l, err := client.RbacV1().RoleBindings(metav1.NamespaceAll).List(ctx, selected); err != nil {
			bindingNotes += note(fmt.Errorf("listing RoleBindings %s: %w", scope.Selector, err))
		} else {
			bindings = append(bindings, l.Items...)
		}
		if l, err := client.RbacV1().ClusterRoles().List(ctx, selected); err != nil {
			crNotes += note(fmt.Errorf("listing ClusterRoles %s: %w", scope.Selector, err))
		} else {
			clusterRoles = l.Items
		}
		if l, err := client.RbacV1().ClusterRoleBindings().List(ctx, selected); err != nil {
			crbNotes += note(fmt.Errorf("listing ClusterRoleBindings %s: %w", scope.Selector, err))
		} else {
			clusterBindings = l.Items
		}
	}
	nsName := func(m metav1.Object) string { return m.GetNamespace() + "/" + m.GetName() }
	sas = uniqueBy(sas, func(o corev1.ServiceAccount) string { return nsName(&o) })
	roles = uniqueBy(roles, func(o rbacv1.Role) string { return nsName(&o) })
	bindings = uniqueBy(bindings, func(o rbacv1.RoleBinding) string { return nsName(&o) })
	clusterRoles = uniqueBy(clusterRoles, func(o rbacv1.ClusterRole) string { return o.Name })
	clusterBindings = uniqueBy(clusterBindings, func(o rbacv1.ClusterRoleBinding) string { return o.Name })

	own := "namespaces " + orNone(strings.Join(found.Namespaces, ", "))
	labelled := "labelled " + orNone(scope.Selector)
	type file struct {
		name, body string
	}
	coreV1 := corev1.SchemeGroupVersion
	rbacV1 := rbacv1.SchemeGroupVersion
	files := []file{
		{"events.txt", fmt.Sprintf("# %d events in %s\n", len(events), own) + eventNotes + FormatEvents(events)},
		{"namespaces.yaml", header(len(namespaces), "Namespaces", "the spec's, and those "+labelled, nsNotes) +
			docs(&found, "namespaces", namespaces, coreV1.WithKind("Namespace"))},
		{"serviceaccounts.yaml", header(len(sas), "ServiceAccounts", "in "+own, saNotes) +
			docs(&found, "serviceaccounts", sas, coreV1.WithKind("ServiceAccount"))},
		{"roles.yaml", header(len(roles), "Roles", "in "+own+", and those "+labelled+" elsewhere", roleNotes) +
			docs(&found, "roles", roles, rbacV1.WithKind("Role"))},
		{"rolebindings.yaml", header(len(bindings), "RoleBindings", "in "+own+", and those "+labelled+" elsewhere", bindingNotes) +
			docs(&found, "rolebindings", bindings, rbacV1.WithKind("RoleBinding"))},
		{"clusterroles.yaml", header(len(clusterRoles), "ClusterRoles", labelled, crNotes) +
			docs(&found, "clusterroles", clusterRoles, rbacV1.WithKind("ClusterRole"))},
		{"clusterrolebindings.yaml", header(len(clusterBindings), "ClusterRoleBindings", labelled, crbNotes) +
			docs(&found, "clusterrolebindings", clusterBindings, rbacV1.WithKind("ClusterRoleBinding"))},
	}
	var objects strings.Builder
	for _, o := range found.Objects {
		fmt.Fprintln(&objects, o)
	}
	summary := strings.TrimRight(report, "\n") + "\n\n" +
		"namespaces: " + orNone(strings.Join(found.Namespaces, ", ")) + "\n" +
		"selector:   " + orNone(scope.Selector) + "\n\n" +
		"objects written (Secrets are never read):\n" + objects.String()
	files = append([]file{{"spec.txt", summary}}, files...)
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), secrets.Redact([]byte(f.body)), 0o644); err != nil {
			errs = append(errs, err)
			continue
		}
		found.Files = append(found.Files, f.name)
	}
	return found, errors.Join(errs...)
}

// object is a typed API object behind a pointer.
type object interface {
	metav1.Object
	runtime.Object
}

// docs is the objects as YAML documents with their kind and apiVersion and
// without managedFields; it records each one in found.
func docs[T any, P interface {
	*T
	object
}](found *Found, resource string, items []T, gvk schema.GroupVersionKind) string {
	var b bytes.Buffer
	for i := range items {
		p := P(&items[i])
		p.SetManagedFields(nil)
		p.GetObjectKind().SetGroupVersionKind(gvk)
		found.Objects = append(found.Objects, Object{Resource: resource, Kind: gvk.Kind, Namespace: p.GetNamespace(), Name: p.GetName()})
		y, err := yaml.Marshal(p)
		if err != nil {
			fmt.Fprintf(&b, "---\n# %s %s/%s: %v\n", gvk.Kind, p.GetNamespace(), p.GetName(), err)
			continue
		}
		b.WriteString("---\n")
		b.Write(y)
	}
	return b.String()
}

func header(n int, kinds, where, notes string) string {
	return fmt.Sprintf("# %d %s: %s\n", n, kinds, where) + notes
}

// uniqueBy keeps the first of each key, sorted by key.
func uniqueBy[T any](items []T, key func(T) string) []T {
	seen := map[string]bool{}
	var out []T
	for _, it := range items {
		if k := key(it); !seen[k] {
			seen[k] = true
			out = append(out, it)
		}
	}
	slices.SortStableFunc(out, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
