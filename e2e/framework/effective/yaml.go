package effective

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// SnapshotMarker is the first line of every file MatrixYAML writes;
// WriteSnapshot removes only stale files that carry it.
const SnapshotMarker = "# rbac-e2e effective-access snapshot"

// row is one access-matrix row of allowed permissions.
type row struct {
	verbs       []string
	resources   []string // group/version/resource; empty for URLs
	subresource string
	name        string
	namespaces  []string // none: cluster scope
	urls        []string
}

// MatrixYAML is the subject's effective access as an access-matrix file:
// compact (permissions that differ only by verb share a row, then rows
// that differ only by namespace, then by resource), sorted and the same
// bytes for the same access. Only allowed permissions are written; the
// header says that everything else is denied. matrix.Parse accepts it, and
// FromMatrix reads it back.
func (a Access) MatrixYAML() []byte {
	rows := compact(a.Allowed)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%s (make snapshot): %s.\n", SnapshotMarker, a.Subject)
	buf.WriteString("# Every row is allowed; whatever is not listed is denied. Namespace\n")
	fmt.Fprintf(&buf, "# %s stands for every namespace not named here (no RoleBinding in\n", ElsewhereNamespace)
	buf.WriteString("# it, so only ClusterRoleBindings grant there). Written by a sweep of\n")
	buf.WriteString("# SubjectAccessReviews; do not edit by hand.\n")

	doc := mapping()
	subject := mapping()
	if a.Subject.IsServiceAccount() {
		add(subject, "serviceAccount", scalar(a.Subject.ServiceAccount))
	} else {
		add(subject, "user", scalar(a.Subject.User))
		if len(a.Subject.Groups) > 0 {
			add(subject, "groups", flow(a.Subject.Groups))
		}
	}
	add(doc, "subjects", &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{subject}})
	list := &yaml.Node{Kind: yaml.SequenceNode}
	for _, r := range rows {
		n := mapping()
		add(n, "verbs", flow(r.verbs))
		if len(r.urls) > 0 {
			add(n, "urls", block(r.urls))
		} else {
			add(n, "resources", block(r.resources))
			if r.subresource != "" {
				add(n, "subresource", scalar(r.subresource))
			}
			if r.name != "" {
				add(n, "name", scalar(r.name))
			}
			if len(r.namespaces) > 0 {
				add(n, "namespaces", block(r.namespaces))
			}
		}
		add(n, "allowed", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
		list.Content = append(list.Content, n)
	}
	if len(rows) == 0 {
		// A matrix file needs a row: say that not even a made-up URL is
		// allowed (FromMatrix keeps allowed rows only).
		n := mapping()
		add(n, "verbs", flow([]string{"get"}))
		add(n, "urls", block([]string{MadeUpURL}))
		add(n, "allowed", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "false"})
		add(n, "note", scalar("nothing is allowed"))
		list.Content = append(list.Content, n)
	}
	add(doc, "rows", list)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		panic(fmt.Sprintf("encoding an access matrix: %v", err)) // nodes built above always encode
	}
	_ = enc.Close()
	return buf.Bytes()
}

// compact groups permissions into rows: by target (resource, subresource,
// name, namespace) the verbs; then targets with the same verbs by
// namespace set; then by resource set. URLs group by verbs.
func compact(perms []Permission) []row {
	type target struct{ resource, sub, name, ns, url string }
	verbsOf := map[target][]string{}
	for _, p := range perms {
		t := target{url: p.URL}
		if !p.IsURL() {
			t = target{resource: gvrString(p), sub: p.Subresource, name: p.Name, ns: p.Namespace}
		}
		verbsOf[t] = append(verbsOf[t], p.Verb)
	}
	join := func(ss []string) string { return strings.Join(ss, "\x00") }

	// Stage 2: same resource, subresource, name and verbs → namespaces.
	type byNS struct {
		resource, sub, name, verbs string
		cluster                    bool
	}
	nsOf := map[byNS][]string{}
	urlsOf := map[string][]string{}
	for t, verbs := range verbsOf {
		verbs = sortVerbs(verbs)
		if t.url != "" {
			urlsOf[join(verbs)] = append(urlsOf[join(verbs)], t.url)
			continue
		}
		k := byNS{resource: t.resource, sub: t.sub, name: t.name, verbs: join(verbs), cluster: t.ns == ""}
		if t.ns != "" {
			nsOf[k] = append(nsOf[k], t.ns)
		} else if _, ok := nsOf[k]; !ok {
			nsOf[k] = nil
		}
	}
	// Stage 3: same subresource, name, verbs and namespaces → resources.
	type byRes struct{ sub, name, verbs, namespaces string }
	resOf := map[byRes][]string{}
	nsList := map[string][]string{}
	for k, nss := range nsOf {
		slices.Sort(nss)
		key := byRes{sub: k.sub, name: k.name, verbs: k.verbs, namespaces: join(nss)}
		nsList[key.namespaces] = nss
		resOf[key] = append(resOf[key], k.resource)
	}
	var rows []row
	for k, resources := range resOf {
		slices.Sort(resources)
		rows = append(rows, row{verbs: strings.Split(k.verbs, "\x00"), resources: resources, subresource: k.sub, name: k.name, namespaces: nsList[k.namespaces]})
	}
	for verbs, urls := range urlsOf {
		slices.Sort(urls)
		rows = append(rows, row{verbs: strings.Split(verbs, "\x00"), urls: urls})
	}
	slices.SortFunc(rows, compareRows)
	return rows
}

func compareRows(a, b row) int {
	if (len(a.urls) > 0) != (len(b.urls) > 0) {
		if len(a.urls) > 0 {
			return 1
		}
		return -1
	}
	return cmp.Or(slices.Compare(a.resources, b.resources), slices.Compare(a.urls, b.urls),
		cmp.Compare(a.subresource, b.subresource), cmp.Compare(a.name, b.name),
		slices.Compare(a.namespaces, b.namespaces), slices.CompareFunc(a.verbs, b.verbs, func(x, y string) int {
			return cmp.Or(cmp.Compare(verbRank(x), verbRank(y)), cmp.Compare(x, y))
		}))
}

func sortVerbs(verbs []string) []string {
	slices.SortFunc(verbs, func(x, y string) int { return cmp.Or(cmp.Compare(verbRank(x), verbRank(y)), cmp.Compare(x, y)) })
	return slices.Compact(verbs)
}

// gvrString is the fixture spelling: apps/v1/deployments, v1/pods.
func gvrString(p Permission) string {
	v := p.Version
	if v == "" {
		v = "v1"
	}
	if p.Group == "" {
		return v + "/" + p.Resource
	}
	return p.Group + "/" + v + "/" + p.Resource
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func add(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, scalar(key), v)
}

func scalar(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func flow(ss []string) *yaml.Node {
	n := block(ss)
	n.Style = yaml.FlowStyle
	return n
}

func block(ss []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode}
	for _, s := range ss {
		n.Content = append(n.Content, scalar(s))
	}
	return n
}
