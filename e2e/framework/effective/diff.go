package effective

import (
	"slices"
	"strings"

	"rbac-e2e/e2e/framework/matrix"
)

// Diff is, per subject whose access changed, what head allows that base
// does not (Gained) and the reverse (Lost), each sorted; a subject on one
// side only gains or loses all its access. Subjects come sorted by key;
// unchanged ones are left out.
//
// The two sides may have asked different candidates (a new role names a
// new resourceNames entry or URL, a new RoleBinding adds a namespace, a
// new CRD a resource). A permission that only one side asked is no change
// when a broader one covers it on both sides (see covering): RBAC grants
// the narrower one wherever it grants the broader one.
func Diff(base, head Snapshot) []SubjectDiff {
	type side struct {
		subject    matrix.Subject
		base, head []Permission
	}
	bySubject := map[string]*side{}
	var keys []string
	get := func(a Access) *side {
		k := a.Subject.Key()
		if bySubject[k] == nil {
			bySubject[k] = &side{subject: a.Subject}
			keys = append(keys, k)
		}
		return bySubject[k]
	}
	for _, a := range base {
		s := get(a)
		s.base = append(s.base, a.Allowed...)
	}
	for _, a := range head {
		s := get(a)
		s.subject = a.Subject // head's spelling wins
		s.head = append(s.head, a.Allowed...)
	}
	slices.Sort(keys)
	var out []SubjectDiff
	for _, k := range keys {
		s := bySubject[k]
		both := intersectKeys(s.base, s.head)
		d := SubjectDiff{Subject: s.subject, Gained: minus(s.head, s.base, both), Lost: minus(s.base, s.head, both)}
		if len(d.Gained) > 0 || len(d.Lost) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// minus is a's permissions whose key b lacks and that nothing in both
// covers, sorted.
func minus(a, b []Permission, both map[string]bool) []Permission {
	in := make(map[string]bool, len(b))
	for _, p := range b {
		in[p.Key()] = true
	}
	var out []Permission
	for _, p := range a {
		if in[p.Key()] || covered(p, both) {
			continue
		}
		out = append(out, p)
	}
	return SortPermissions(out)
}

func intersectKeys(a, b []Permission) map[string]bool {
	inA := make(map[string]bool, len(a))
	for _, p := range a {
		inA[p.Key()] = true
	}
	out := map[string]bool{}
	for _, p := range b {
		if inA[p.Key()] {
			out[p.Key()] = true
		}
	}
	return out
}

// covered tells whether a broader permission allowed on both sides grants
// p: the same without its name (every object), in ElsewhereNamespace (a
// ClusterRoleBinding's grant, in every namespace), on MadeUpResource of
// MadeUpGroup (resources and apiGroups "*"), or MadeUpURL (nonResourceURLs
// "*").
func covered(p Permission, both map[string]bool) bool {
	var broader []Permission
	if p.IsURL() {
		if p.URL != MadeUpURL {
			broader = append(broader, Permission{Verb: p.Verb, URL: MadeUpURL})
		}
	} else {
		var names, namespaces []string
		if p.Name != "" {
			names = []string{p.Name, ""}
		} else {
			names = []string{""}
		}
		namespaces = []string{p.Namespace}
		if p.Namespace != "" && p.Namespace != ElsewhereNamespace {
			namespaces = append(namespaces, ElsewhereNamespace)
		}
		for _, n := range names {
			for _, ns := range namespaces {
				q := p
				q.Name, q.Namespace = n, ns
				if q.Key() != p.Key() {
					broader = append(broader, q)
				}
			}
		}
		for _, ns := range namespaces {
			broader = append(broader, Permission{Verb: p.Verb, Group: MadeUpGroup, Resource: MadeUpResource, Namespace: ns})
		}
	}
	for _, q := range broader {
		if both[q.Key()] {
			return true
		}
	}
	return false
}

// String is the subject, then one line per gained (+) and lost (−)
// permission.
func (d SubjectDiff) String() string {
	var b strings.Builder
	b.WriteString(d.Subject.String())
	for _, p := range d.Gained {
		b.WriteString("\n  + " + p.String())
	}
	for _, p := range d.Lost {
		b.WriteString("\n  − " + p.String())
	}
	return b.String()
}
