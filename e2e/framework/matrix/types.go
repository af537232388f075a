package matrix

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"rbac-e2e/e2e/framework/access"
)

// Pos is where something was written: file, line and the field path within
// the file, such as rows[3].verbs[1].
type Pos struct {
	File  string
	Line  int
	Field string
}

// String is file:line, the form editors jump to.
func (p Pos) String() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

// Error is a problem with a fixture file.
type Error struct {
	Pos
	Msg string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s: %s", e.Pos, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", e.Pos, e.Field, e.Msg)
}

func errorf(p Pos, format string, args ...any) *Error {
	return &Error{Pos: p, Msg: fmt.Sprintf(format, args...)}
}

// Subject is who the checks of a row act as.
type Subject struct {
	ServiceAccount string   // "namespace/name"; the checks use a TokenRequest token of it
	User           string   // impersonated (Impersonate-User)
	Groups         []string // impersonated with User (Impersonate-Group)
	Pos            Pos      // where the subject was first named
}

// IsServiceAccount tells a ServiceAccount from an impersonated user.
func (s Subject) IsServiceAccount() bool { return s.ServiceAccount != "" }

// NamespaceName splits a ServiceAccount subject into its namespace and name.
func (s Subject) NamespaceName() (namespace, name string) {
	namespace, name, _ = strings.Cut(s.ServiceAccount, "/")
	return namespace, name
}

// Username is the name the API server knows the subject by.
func (s Subject) Username() string {
	if s.IsServiceAccount() {
		ns, name := s.NamespaceName()
		return "system:serviceaccount:" + ns + ":" + name
	}
	return s.User
}

// Key identifies a subject: rows of several files for the same subject are
// checked together.
func (s Subject) Key() string {
	if s.IsServiceAccount() {
		return "serviceaccount:" + s.ServiceAccount
	}
	k := "user:" + s.User
	if len(s.Groups) > 0 {
		k += " groups:" + strings.Join(s.Groups, ",")
	}
	return k
}

func (s Subject) String() string {
	if s.IsServiceAccount() {
		return "ServiceAccount " + s.ServiceAccount
	}
	str := "user " + s.User
	if len(s.Groups) > 0 {
		str += " in groups " + strings.Join(s.Groups, ", ")
	}
	return str
}

// Check is one expanded row: one subject, one verb, one resource (or URL),
// one namespace.
type Check struct {
	Subject     Subject
	Verb        string
	Resource    schema.GroupVersionResource // empty for a non-resource URL
	Subresource string
	Name        string
	Namespace   string // "" is cluster scope (all namespaces for list and watch)
	URL         string // a non-resource URL such as /metrics
	Allowed     bool
	Note        string

	Row            Pos // the row that expanded to this check
	VerbPos        Pos // where the verb was named
	ResourcePos    Pos // where the resource (or URL) was named
	SubresourcePos Pos // where the subresource was named, when it was
	NamespacePos   Pos // where the namespace was named; the row itself at cluster scope
}

// Target reads like "list pods.apps in namespace ns-1" or "get /metrics".
// It names the row's own object, not the probe name Request fills in.
func (c Check) Target() string {
	return access.Request{Verb: c.Verb, Resource: c.Resource, Subresource: c.Subresource, Name: c.Name, Namespace: c.Namespace, URL: c.URL}.Target()
}

// key identifies a check for duplicate detection.
func (c Check) key() string {
	return strings.Join([]string{c.Subject.Key(), c.Verb, c.Resource.String(), c.Subresource, c.Name, c.Namespace, c.URL}, "\x00")
}

// Matrix is every check of a fixture folder, in file and row order.
type Matrix struct {
	Files  []string
	Checks []Check
}

// SubjectChecks are the checks of one subject.
type SubjectChecks struct {
	Subject Subject
	Checks  []Check
}

// BySubject groups the checks by subject, in the order subjects first appear.
func (m *Matrix) BySubject() []SubjectChecks {
	var out []SubjectChecks
	index := map[string]int{}
	for _, c := range m.Checks {
		i, ok := index[c.Subject.Key()]
		if !ok {
			i = len(out)
			index[c.Subject.Key()] = i
			out = append(out, SubjectChecks{Subject: c.Subject})
		}
		out[i].Checks = append(out[i].Checks, c)
	}
	return out
}
