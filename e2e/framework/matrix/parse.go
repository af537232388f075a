package matrix

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/api/validation/path"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"

	"rbac-e2e/e2e/framework/access"
)

// ResourceVerbs are the verbs a resource row may name: the ones a request
// can carry (access.Verbs).
var ResourceVerbs = slices.Clone(access.Verbs)

// VerbAliases are the compact forms of common verb sets.
var VerbAliases = map[string][]string{
	"read":  {"get", "list", "watch"},
	"write": {"create", "update", "patch", "delete", "deletecollection"},
	"all":   ResourceVerbs,
}

// URLVerbs are the verbs of non-resource URL rows: RBAC names them after
// the lowercase HTTP method.
var URLVerbs = []string{"get", "post", "put", "patch", "delete"}

// collectionVerbs act on a collection, never on one object's subresource.
var collectionVerbs = []string{"list", "watch", "deletecollection"}

var (
	topKeys     = []string{"subjects", "rows"}
	subjectKeys = []string{"serviceAccount", "user", "groups"}
	rowKeys     = []string{"verbs", "resources", "subresource", "name", "namespaces", "urls", "allowed", "note"}
)

// parseFile reads one matrix file into its expanded checks.
func parseFile(file string, data []byte) ([]Check, []error) {
	p := &fileParser{file: file}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, []error{errorf(Pos{File: file, Line: 1}, "empty file: want subjects and rows")}
		}
		return nil, []error{SyntaxError(file, data, err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, []error{errorf(Pos{File: file, Line: extra.Line}, "a second YAML document: one matrix per file")}
	} else if !errors.Is(err, io.EOF) {
		return nil, []error{SyntaxError(file, data, err)}
	}
	top, ok := p.mapping(doc.Content[0], "", topKeys)
	if !ok {
		return nil, p.errs
	}
	for _, k := range topKeys {
		if top[k] == nil {
			p.fail(doc.Content[0], k, "missing")
		}
	}
	var subjects []Subject
	if top["subjects"] != nil {
		subjects = p.subjects(top["subjects"])
	}
	var checks []Check
	if top["rows"] != nil {
		rows := deref(top["rows"])
		if rows.Kind != yaml.SequenceNode || len(rows.Content) == 0 {
			p.fail(rows, "rows", "want a list of rows, got %s", describe(rows))
		} else {
			for i, r := range rows.Content {
				checks = append(checks, p.row(r, fmt.Sprintf("rows[%d]", i), subjects)...)
			}
		}
	}
	return checks, p.errs
}

func (p *fileParser) subjects(n *yaml.Node) []Subject {
	n = deref(n)
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.fail(n, "subjects", "want a list of subjects (serviceAccount: namespace/name, or user: and groups:), got %s", describe(n))
		return nil
	}
	var out []Subject
	seen := map[string]int{}
	for i, sn := range n.Content {
		field := fmt.Sprintf("subjects[%d]", i)
		s, ok := p.subject(sn, field)
		if !ok {
			continue
		}
		if line, dup := seen[s.Key()]; dup {
			p.fail(sn, field, "%s is named twice (first on line %d)", s, line)
			continue
		}
		seen[s.Key()] = deref(sn).Line
		out = append(out, s)
	}
	return out
}

func (p *fileParser) subject(n *yaml.Node, field string) (Subject, bool) {
	m, ok := p.mapping(n, field, subjectKeys)
	if !ok {
		return Subject{}, false
	}
	s := Subject{Pos: p.pos(deref(n), field)}
	errs := len(p.errs)
	switch {
	case m["serviceAccount"] != nil && m["user"] != nil:
		p.fail(deref(n), field, "give serviceAccount or user, not both")
	case m["serviceAccount"] != nil:
		f := join(field, "serviceAccount")
		if v, ok := p.scalar(m["serviceAccount"], f); ok {
			ns, name, found := strings.Cut(v, "/")
			if !found || strings.Contains(name, "/") || len(validation.IsDNS1123Label(ns)) > 0 || len(validation.IsDNS1123Subdomain(name)) > 0 {
				p.fail(m["serviceAccount"], f, "want namespace/name, got %q", v)
			}
			s.ServiceAccount = v
		}
		if m["groups"] != nil {
			p.fail(m["groups"], join(field, "groups"), "a ServiceAccount's groups are its own (system:serviceaccounts...); groups go with user")
		}
	case m["user"] != nil:
		if v, ok := p.scalar(m["user"], join(field, "user")); ok {
			s.User = v
		}
		if m["groups"] != nil {
			for _, it := range p.list(m["groups"], join(field, "groups")) {
				s.Groups = append(s.Groups, it.value)
			}
		}
	default:
		p.fail(deref(n), field, "want serviceAccount: namespace/name, or user: (with groups: when needed); impersonating groups needs a user")
	}
	return s, len(p.errs) == errs
}

// row validates one row and expands it: subjects × verbs × resources ×
// namespaces.
func (p *fileParser) row(n *yaml.Node, field string, subjects []Subject) []Check {
	m, ok := p.mapping(n, field, rowKeys)
	if !ok {
		return nil
	}
	errs := len(p.errs)
	rowPos := p.pos(deref(n), field)
	base := Check{Row: rowPos}

	if m["allowed"] == nil {
		p.fail(deref(n), join(field, "allowed"), "missing: say allowed: true or allowed: false")
	} else {
		base.Allowed, _ = p.boolean(m["allowed"], join(field, "allowed"))
	}
	if m["note"] != nil {
		base.Note, _ = p.scalar(m["note"], join(field, "note"))
	}
	if m["verbs"] == nil {
		p.fail(deref(n), join(field, "verbs"), "missing")
	}
	isURL := m["urls"] != nil
	switch {
	case isURL && m["resources"] != nil:
		p.fail(m["urls"], join(field, "urls"), "give resources or urls, not both")
	case !isURL && m["resources"] == nil:
		p.fail(deref(n), field, "want resources (group/version/resource) or urls (non-resource URLs such as /metrics)")
	}

	var verbs []item
	if m["verbs"] != nil {
		verbs = p.verbs(m["verbs"], join(field, "verbs"), isURL)
	}
	type target struct {
		gvr   schema.GroupVersionResource
		url   string
		where item
	}
	var targets []target
	namespaces := []item{{}} // cluster scope
	if isURL {
		for _, k := range []string{"subresource", "name", "namespaces"} {
			if m[k] != nil {
				p.fail(m[k], join(field, k), "a non-resource URL row has no %s", k)
			}
		}
		for _, it := range p.list(m["urls"], join(field, "urls")) {
			if err := checkURL(it.value); err != nil {
				p.fail(it.node, it.field, "%v", err)
				continue
			}
			targets = append(targets, target{url: it.value, where: it})
		}
	} else {
		if m["resources"] != nil {
			for _, it := range p.list(m["resources"], join(field, "resources")) {
				gvr, err := parseGVR(it.value)
				if err != nil {
					p.fail(it.node, it.field, "%v", err)
					continue
				}
				targets = append(targets, target{gvr: gvr, where: it})
			}
		}
		if m["subresource"] != nil {
			f := join(field, "subresource")
			if v, ok := p.scalar(m["subresource"], f); ok {
				if strings.Contains(v, "/") {
					p.fail(m["subresource"], f, "want a subresource name such as log or status, got %q", v)
				}
				base.Subresource = v
				base.SubresourcePos = p.pos(deref(m["subresource"]), f)
				for _, vb := range verbs {
					if slices.Contains(collectionVerbs, vb.value) {
						p.fail(m["subresource"], f, "%s (from %s) cannot act on a subresource: a subresource belongs to one object, and the API server authorizes a request for it as get, create, update, patch or delete", vb.value, vb.field)
					}
				}
			}
		}
		if m["name"] != nil {
			f := join(field, "name")
			if v, ok := p.scalar(m["name"], f); ok {
				if msgs := path.IsValidPathSegmentName(v); len(msgs) > 0 {
					p.fail(m["name"], f, "%q cannot be an object name: %s", v, strings.Join(msgs, "; "))
				}
				base.Name = v
				for _, vb := range verbs {
					if vb.value == "deletecollection" || (vb.value == "create" && m["subresource"] == nil) {
						p.fail(m["name"], f, "%s acts on the collection: the authorizer never sees a name, so resourceNames cannot restrict it; drop name or the verb (from %s)", vb.value, vb.field)
					}
				}
			}
		}
		if m["namespaces"] != nil {
			namespaces = p.list(m["namespaces"], join(field, "namespaces"))
			for _, ns := range namespaces {
				if msgs := validation.IsDNS1123Label(ns.value); len(msgs) > 0 {
					p.fail(ns.node, ns.field, "%q is not a namespace name: %s", ns.value, strings.Join(msgs, "; "))
				}
			}
		}
	}
	if len(subjects) == 0 || len(p.errs) > errs {
		return nil
	}
	var out []Check
	for _, s := range subjects {
		for _, v := range verbs {
			for _, t := range targets {
				for _, ns := range namespaces {
					c := base
					c.Subject, c.Verb, c.Resource, c.URL, c.Namespace = s, v.value, t.gvr, t.url, ns.value
					c.VerbPos = p.pos(v.node, v.field)
					c.ResourcePos = p.pos(t.where.node, t.where.field)
					c.NamespacePos = rowPos
					if ns.node != nil {
						c.NamespacePos = p.pos(ns.node, ns.field)
					}
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// verbs expands aliases and rejects verbs a request cannot carry.
func (p *fileParser) verbs(n *yaml.Node, field string, isURL bool) []item {
	var out []item
	for _, it := range p.list(n, field) {
		switch {
		case isURL && slices.Contains(URLVerbs, it.value):
			out = append(out, it)
		case isURL:
			p.fail(it.node, it.field, "unknown verb %q for a non-resource URL (want one of %s)", it.value, strings.Join(URLVerbs, ", "))
		case slices.Contains(ResourceVerbs, it.value), IsSpecialVerb(it.value):
			out = append(out, it)
		case VerbAliases[it.value] != nil:
			for _, v := range VerbAliases[it.value] {
				out = append(out, item{v, it.node, it.field})
			}
		default:
			p.fail(it.node, it.field, "unknown verb %q (want one of %s, or read, write, all, or a verb RBAC checks inside other requests: %s)", it.value, strings.Join(ResourceVerbs, ", "), strings.Join(SpecialVerbs, ", "))
		}
	}
	return out
}

// parseGVR reads group/version/resource, or version/resource for the core
// group.
func parseGVR(s string) (schema.GroupVersionResource, error) {
	parts := strings.Split(s, "/")
	bad := func() (schema.GroupVersionResource, error) {
		return schema.GroupVersionResource{}, fmt.Errorf("want group/version/resource (apps/v1/deployments) or version/resource for the core group (v1/pods), got %q", s)
	}
	for _, part := range parts {
		if part == "" || strings.TrimSpace(part) != part {
			return bad()
		}
	}
	switch len(parts) {
	case 2:
		return schema.GroupVersionResource{Version: parts[0], Resource: parts[1]}, nil
	case 3:
		return schema.GroupVersionResource{Group: parts[0], Version: parts[1], Resource: parts[2]}, nil
	}
	return bad()
}
