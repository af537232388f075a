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
	p := &allowParser{NodeParser: matrix.NewNodeParser(file), file: file}
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
	top, ok := p.Mapping(doc.Content[0], "", allowTopKeys)
	if ok && top["allow"] == nil {
		p.Fail(doc.Content[0], "allow", "missing")
	}
	if n := top["allow"]; n != nil {
		n = matrix.Deref(n)
		if n.Kind != yaml.SequenceNode {
			p.Fail(n, "allow", "want a list of entries, got %s", matrix.Describe(n))
		} else {
			for i, e := range n.Content {
				if entry, ok := p.entry(e, fmt.Sprintf("allow[%d]", i)); ok {
					list.Entries = append(list.Entries, entry)
				}
			}
		}
	}
	if len(p.Errs()) > 0 {
		slices.SortStableFunc(p.Errs(), func(a, b error) int {
			var ea, eb *matrix.Error
			errors.As(a, &ea)
			errors.As(b, &eb)
			return ea.Line - eb.Line
		})
		return nil, errors.Join(p.Errs()...)
	}
	return list, nil
}

// allowParser reads an allow-list's nodes with the access matrices' parser.
type allowParser struct {
	*matrix.NodeParser
	file string
}

func (p *allowParser) errorf(line int, field, format string, args ...any) *matrix.Error {
	return &matrix.Error{Pos: matrix.Pos{File: p.file, Line: line, Field: field}, Msg: fmt.Sprintf(format, args...)}
}

func (p *allowParser) entry(n *yaml.Node, field string) (Entry, bool) {
	n = matrix.Deref(n)
	m, ok := p.Mapping(n, field, entryKeys)
	if !ok {
		return Entry{}, false
	}
	before := len(p.Errs())
	e := Entry{Pos: matrix.Pos{File: p.file, Line: n.Line, Field: field}}
	given := 0
	for _, k := range []string{"serviceAccount", "user", "group"} {
		if m[k] != nil {
			given++
		}
	}
	switch {
	case given != 1:
		p.Fail(n, field, "want exactly one of serviceAccount: namespace/name, user: (with groups: when needed) or group:")
	case m["groups"] != nil && m["user"] == nil:
		p.Fail(m["groups"], matrix.JoinField(field, "groups"), "groups go with a user")
	case m["serviceAccount"] != nil:
		f := matrix.JoinField(field, "serviceAccount")
		if v, ok := p.Scalar(m["serviceAccount"], f); ok {
			ns, name, found := strings.Cut(v, "/")
			if !found || len(validation.IsDNS1123Label(ns)) > 0 || len(validation.IsDNS1123Subdomain(name)) > 0 {
				p.Fail(m["serviceAccount"], f, "want namespace/name, got %q", v)
			}
			e.Subject, e.SubjectKey = "ServiceAccount "+v, "serviceaccount:"+v
		}
	case m["user"] != nil:
		user, _ := p.Scalar(m["user"], matrix.JoinField(field, "user"))
		var groups []string
		if m["groups"] != nil {
			for _, it := range p.List(m["groups"], matrix.JoinField(field, "groups")) {
				groups = append(groups, it.Value)
			}
		}
		e.Subject, e.SubjectKey = "User "+user, userKey(user, groups)
	case m["group"] != nil:
		g, _ := p.Scalar(m["group"], matrix.JoinField(field, "group"))
		e.Subject, e.SubjectKey = "Group "+g, groupKey(g)
	}
	if m["rules"] == nil {
		p.Fail(n, matrix.JoinField(field, "rules"), "missing: name the rule IDs this entry accepts (%s)", strings.Join(RuleIDs(), ", "))
	} else {
		for _, it := range p.List(m["rules"], matrix.JoinField(field, "rules")) {
			if _, ok := RuleByID(it.Value); !ok {
				p.Fail(it.Node, it.Field, "unknown rule ID %q (want one of %s)", it.Value, strings.Join(RuleIDs(), ", "))
				continue
			}
			e.Rules = append(e.Rules, it.Value)
		}
	}
	if m["scopes"] != nil {
		for _, it := range p.List(m["scopes"], matrix.JoinField(field, "scopes")) {
			if it.Value != "cluster" && len(validation.IsDNS1123Label(it.Value)) > 0 {
				p.Fail(it.Node, it.Field, "want cluster or a namespace name, got %q", it.Value)
				continue
			}
			e.Scopes = append(e.Scopes, it.Value)
		}
	}
	if m["permissions"] != nil {
		for _, it := range p.List(m["permissions"], matrix.JoinField(field, "permissions")) {
			perm, err := checkPermission(it.Value)
			if err != nil {
				p.Fail(it.Node, it.Field, "%v", err)
				continue
			}
			e.Permissions = append(e.Permissions, perm)
		}
	}
	if m["reason"] == nil {
		p.Fail(n, matrix.JoinField(field, "reason"), "missing: say why the team accepts this grant")
	} else {
		e.Reason, _ = p.Scalar(m["reason"], matrix.JoinField(field, "reason"))
	}
	return e, len(p.Errs()) == before
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
