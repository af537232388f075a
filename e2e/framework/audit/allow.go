package audit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation"

	"rbac-e2e/e2e/framework/matrix"
)

// Entry is one grant a team accepts: a subject, the rules it may hit and,
// optionally, only in some scopes or for some permissions.
type Entry struct {
	SubjectKey  string   // as Finding.SubjectKey
	Subject     string   // as written, for messages
	Rules       []string // rule IDs
	Scopes      []string // "cluster" or namespace names; empty: every scope
	Permissions []string // as Finding.Permission; empty: every permission
	Reason      string
	Pos         matrix.Pos // where the entry begins
}

// AllowList is an allow-list file's entries.
type AllowList struct {
	File    string
	Entries []Entry
}

var (
	allowTopKeys = []string{"allow"}
	entryKeys    = []string{"serviceAccount", "user", "groups", "group", "rules", "scopes", "permissions", "reason"}
)

// LoadAllowList reads an allow-list file; file is taken relative to root
// unless it is absolute, and named as written in errors. A file that does
// not exist is an empty list (every finding then counts).
func LoadAllowList(root, file string) (*AllowList, error) {
	full := file
	if !filepath.IsAbs(file) {
		full = filepath.Join(root, file)
	}
	data, err := os.ReadFile(full)
	if errors.Is(err, os.ErrNotExist) {
		return &AllowList{File: file}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit allow-list: %w", err)
	}
	return ParseAllowList(file, data)
}

// ParseAllowList reads an allow-list file's content, named file in errors.
// Every problem comes back at once, each naming file, line and field.
func ParseAllowList(file string, data []byte) (*AllowList, error) {
	p := &allowParser{file: file}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, p.errorf(1, "", "empty file: want allow: and a list of entries")
		}
		return nil, matrix.SyntaxError(file, data, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, p.errorf(extra.Line, "", "a second YAML document: one allow-list per file")
	} else if !errors.Is(err, io.EOF) {
		return nil, matrix.SyntaxError(file, data, err)
	}
	list := &AllowList{File: file}
	top, ok := p.mapping(doc.Content[0], "", allowTopKeys)
	if ok && top["allow"] == nil {
		p.fail(doc.Content[0], "allow", "missing")
	}
	if n := top["allow"]; n != nil {
		n = deref(n)
		if n.Kind != yaml.SequenceNode {
			p.fail(n, "allow", "want a list of entries, got %s", describe(n))
		} else {
			for i, e := range n.Content {
				if entry, ok := p.entry(e, fmt.Sprintf("allow[%d]", i)); ok {
					list.Entries = append(list.Entries, entry)
				}
			}
		}
	}
	if len(p.errs) > 0 {
		slices.SortStableFunc(p.errs, func(a, b error) int {
			var ea, eb *matrix.Error
			errors.As(a, &ea)
			errors.As(b, &eb)
			return ea.Line - eb.Line
		})
		return nil, errors.Join(p.errs...)
	}
	return list, nil
}

type allowParser struct {
	file string
	errs []error
}

func (p *allowParser) errorf(line int, field, format string, args ...any) *matrix.Error {
	return &matrix.Error{Pos: matrix.Pos{File: p.file, Line: line, Field: field}, Msg: fmt.Sprintf(format, args...)}
}

func (p *allowParser) fail(n *yaml.Node, field, format string, args ...any) {
	p.errs = append(p.errs, p.errorf(n.Line, field, format, args...))
}

func (p *allowParser) entry(n *yaml.Node, field string) (Entry, bool) {
	n = deref(n)
	m, ok := p.mapping(n, field, entryKeys)
	if !ok {
		return Entry{}, false
	}
	before := len(p.errs)
	e := Entry{Pos: matrix.Pos{File: p.file, Line: n.Line, Field: field}}
	given := 0
	for _, k := range []string{"serviceAccount", "user", "group"} {
		if m[k] != nil {
			given++
		}
	}
	switch {
	case given != 1:
		p.fail(n, field, "want exactly one of serviceAccount: namespace/name, user: (with groups: when needed) or group:")
	case m["groups"] != nil && m["user"] == nil:
		p.fail(m["groups"], join(field, "groups"), "groups go with a user")
	case m["serviceAccount"] != nil:
		f := join(field, "serviceAccount")
		if v, ok := p.scalar(m["serviceAccount"], f); ok {
			ns, name, found := strings.Cut(v, "/")
			if !found || len(validation.IsDNS1123Label(ns)) > 0 || len(validation.IsDNS1123Subdomain(name)) > 0 {
				p.fail(m["serviceAccount"], f, "want namespace/name, got %q", v)
			}
			e.Subject, e.SubjectKey = "ServiceAccount "+v, "serviceaccount:"+v
		}
	case m["user"] != nil:
		user, _ := p.scalar(m["user"], join(field, "user"))
		var groups []string
		if m["groups"] != nil {
			for _, it := range p.list(m["groups"], join(field, "groups")) {
				groups = append(groups, it.value)
			}
		}
		e.Subject, e.SubjectKey = "User "+user, userKey(user, groups)
	case m["group"] != nil:
		g, _ := p.scalar(m["group"], join(field, "group"))
		e.Subject, e.SubjectKey = "Group "+g, groupKey(g)
	}
	if m["rules"] == nil {
		p.fail(n, join(field, "rules"), "missing: name the rule IDs this entry accepts (%s)", strings.Join(RuleIDs(), ", "))
	} else {
		for _, it := range p.list(m["rules"], join(field, "rules")) {
			if _, ok := RuleByID(it.value); !ok {
				p.fail(it.node, it.field, "unknown rule ID %q (want one of %s)", it.value, strings.Join(RuleIDs(), ", "))
				continue
			}
			e.Rules = append(e.Rules, it.value)
		}
	}
	if m["scopes"] != nil {
		for _, it := range p.list(m["scopes"], join(field, "scopes")) {
			if it.value != "cluster" && len(validation.IsDNS1123Label(it.value)) > 0 {
				p.fail(it.node, it.field, "want cluster or a namespace name, got %q", it.value)
				continue
			}
			e.Scopes = append(e.Scopes, it.value)
		}
	}
	if m["permissions"] != nil {
		for _, it := range p.list(m["permissions"], join(field, "permissions")) {
			perm, err := checkPermission(it.value)
			if err != nil {
				p.fail(it.node, it.field, "%v", err)
				continue
			}
			e.Permissions = append(e.Permissions, perm)
		}
	}
	if m["reason"] == nil {
		p.fail(n, join(field, "reason"), "missing: say why the team accepts this grant")
	} else {
		e.Reason, _ = p.scalar(m["reason"], join(field, "reason"))
	}
	return e, len(p.errs) == before
}

// checkPermission accepts a permission as findings print it: "verb
// resource[.group][/subresource] [name]", "verb /url", or "* …" for every
// verb; whitespace is normalised.
func checkPermission(s string) (string, error) {
	f := strings.Fields(s)
	const form = `want "verb resource[.group][/subresource] [name]" or "verb /url", as findings print it`
	if len(f) < 2 || len(f) > 3 {
		return "", fmt.Errorf("%s, got %q", form, s)
	}
	if strings.HasPrefix(f[1], "/") {
		if len(f) != 2 {
			return "", fmt.Errorf("a URL has no object name: %s, got %q", form, s)
		}
	} else if res, _, _ := strings.Cut(f[1], "/"); strings.HasPrefix(res, ".") || strings.HasSuffix(res, ".") || res == "" {
		return "", fmt.Errorf("%s, got %q", form, s)
	}
	return strings.Join(f, " "), nil
}

// Allows is the entry that accepts f, if any.
func (l *AllowList) Allows(f Finding) (Entry, bool) {
	if l == nil {
		return Entry{}, false
	}
	for _, e := range l.Entries {
		if e.accepts(f) {
			return e, true
		}
	}
	return Entry{}, false
}

func (e Entry) accepts(f Finding) bool {
	if e.SubjectKey != f.SubjectKey || !slices.Contains(e.Rules, f.Rule) {
		return false
	}
	if len(e.Permissions) > 0 && !slices.Contains(e.Permissions, f.Permission) {
		return false
	}
	if len(e.Scopes) == 0 {
		return true
	}
	// "cluster" accepts what a ClusterRoleBinding grants: at cluster scope
	// and in every namespace.
	return slices.ContainsFunc(e.Scopes, func(s string) bool {
		if s == "cluster" {
			return f.Scope == scopeOf("") || f.Scope == scopeOf(elsewhere)
		}
		return f.Scope == scopeOf(s)
	})
}

// Unused are the entries that accept none of fs: grants that went away, so
// the entry can go too.
func (l *AllowList) Unused(fs []Finding) []Entry {
	if l == nil {
		return nil
	}
	var out []Entry
	for _, e := range l.Entries {
		if !slices.ContainsFunc(fs, e.accepts) {
			out = append(out, e)
		}
	}
	return out
}

// apply sets each finding's status: allowed by the first entry that
// accepts it, new otherwise.
func (l *AllowList) apply(fs []Finding) {
	for i := range fs {
		if e, ok := l.Allows(fs[i]); ok {
			fs[i].Status, fs[i].AllowedBy, fs[i].AllowReason = StatusAllowed, e.Pos.String(), e.Reason
		} else {
			fs[i].Status, fs[i].AllowedBy, fs[i].AllowReason = StatusNew, "", ""
		}
	}
}
