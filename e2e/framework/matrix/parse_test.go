package matrix_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"rbac-e2e/e2e/framework/matrix"
)

const good = `subjects:
  - serviceAccount: team-a/deployer
  - user: jane@example.com
    groups: [devs, qa]
rows:
  - verbs: [get, list]
    resources: [v1/pods, apps/v1/deployments]
    namespaces: [team-a, team-b]
    allowed: true
  - verbs: write
    resources: v1/secrets
    namespaces: team-a
    allowed: false
    note: no secrets
  - verbs: get
    resources: v1/pods
    subresource: log
    name: web-0
    namespaces: team-a
    allowed: true
  - verbs: [get, post]
    urls: /metrics
    allowed: false
`

func TestParseExpands(t *testing.T) {
	m, err := matrix.Parse("team.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	// 2 subjects × (2 verbs × 2 resources × 2 namespaces + 5 write verbs + 1 + 2 URL verbs)
	if got, want := len(m.Checks), 2*(8+5+1+2); got != want {
		t.Fatalf("%d checks, want %d", got, want)
	}
	first := m.Checks[0]
	want := matrix.Check{
		Subject: first.Subject, Verb: "get", Resource: schema.GroupVersionResource{Version: "v1", Resource: "pods"},
		Namespace: "team-a", Allowed: true,
	}
	if first.Verb != want.Verb || first.Resource != want.Resource || first.Namespace != want.Namespace || !first.Allowed {
		t.Errorf("first check = %+v", first)
	}
	if first.Subject.Username() != "system:serviceaccount:team-a:deployer" {
		t.Errorf("Username() = %q", first.Subject.Username())
	}
	if first.Row.String() != "team.yaml:6" || first.Row.Field != "rows[0]" {
		t.Errorf("Row = %s (%s), want team.yaml:6 (rows[0])", first.Row, first.Row.Field)
	}
	if first.ResourcePos.Line != 7 || first.ResourcePos.Field != "rows[0].resources[0]" {
		t.Errorf("ResourcePos = %+v", first.ResourcePos)
	}
	subjects := m.BySubject()
	if len(subjects) != 2 || len(subjects[0].Checks) != 16 || subjects[1].Subject.User != "jane@example.com" {
		t.Fatalf("BySubject() = %d subjects", len(subjects))
	}
	if got := subjects[1].Subject.Key(); got != "user:jane@example.com groups:devs,qa" {
		t.Errorf("Key() = %q", got)
	}
	var notes, urls int
	for _, c := range m.Checks {
		if c.Note == "no secrets" {
			notes++
		}
		if c.URL == "/metrics" {
			urls++
		}
	}
	if notes != 10 || urls != 4 {
		t.Errorf("notes on %d checks, URL checks %d; want 10 and 4", notes, urls)
	}
}

// Every error names file, line and field, so a reader can jump to it.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // each must appear in the error
	}{
		{"malformed YAML: unclosed bracket", "subjects:\n  - serviceAccount: a/b\nrows: [\n  verbs: get\n",
			[]string{"m.yaml:4: malformed YAML: did not find expected ',' or ']' (in the block that begins on line 3)"}},
		{"malformed YAML: a row indented one space short", "subjects: [{user: u}]\nrows:\n  - verbs: get\n    urls: /api\n    allowed: true\n  - verbs: get\n   urls: /apis\n    allowed: true\n",
			[]string{"m.yaml:7: malformed YAML: did not find expected '-' indicator (in the block that begins on line 3)"}},
		{"malformed YAML: bad indentation", "subjects:\n  - serviceAccount: a/b\n rows: []\n",
			[]string{"m.yaml:3: malformed YAML: did not find expected key"}},
		{"malformed YAML: unclosed quote", "subjects: []\nrows:\n  - verbs: 'get\n",
			[]string{"m.yaml:3: malformed YAML: found unexpected end of stream"}},
		{"malformed YAML: tab", "subjects: []\n\trows: []\n",
			[]string{"m.yaml:2: malformed YAML: found character that cannot start any token"}},
		{"malformed YAML on the first line", "subjects: a: b\n", []string{"m.yaml:1: malformed YAML: mapping values are not allowed"}},
		{"empty file", "", []string{"m.yaml:1: empty file"}},
		{"two documents", "subjects: []\n---\nrows: []\n", []string{"m.yaml:2: a second YAML document"}},
		{"top level not a mapping", "- a\n", []string{"m.yaml:1: want a mapping with keys subjects, rows"}},
		{"unknown top-level key", "subjects: [{serviceAccount: a/b}]\nrow: []\n",
			[]string{"m.yaml:2: row: unknown key (want one of subjects, rows)", "m.yaml:1: rows: missing"}},
		{"unknown row key", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: get\n    resource: v1/pods\n    allowed: true\n",
			[]string{"m.yaml:4: rows[0].resource: unknown key", "m.yaml:3: rows[0]: want resources (group/version/resource) or urls"}},
		{"key given twice", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: get\n    urls: /api\n    allowed: true\n    allowed: false\n",
			[]string{"m.yaml:6: rows[0].allowed: given twice (first on line 5)"}},
		{"unknown verb", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: [get, lst]\n    resources: v1/pods\n    allowed: true\n",
			[]string{`m.yaml:3: rows[0].verbs[1]: unknown verb "lst"`}},
		{"special verb on a URL", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: escalate\n    urls: /metrics\n    allowed: true\n",
			[]string{`m.yaml:3: rows[0].verbs: unknown verb "escalate" for a non-resource URL`}},
		{"resource verb on a URL", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: list\n    urls: /metrics\n    allowed: false\n",
			[]string{`m.yaml:3: rows[0].verbs: unknown verb "list" for a non-resource URL`}},
		{"missing allowed", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: get\n    urls: /api\n",
			[]string{"m.yaml:3: rows[0].allowed: missing"}},
		{"allowed not a bool", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: get\n    urls: /api\n    allowed: yes\n",
			[]string{`m.yaml:5: rows[0].allowed: want true or false, got "yes"`}},
		{"bad resource", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: get\n    resources: [v1/pods, pods]\n    namespaces: a\n    allowed: true\n",
			[]string{`m.yaml:4: rows[0].resources[1]: want group/version/resource`}},
		{"resources and urls", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: get\n    resources: v1/pods\n    urls: /api\n    allowed: true\n",
			[]string{"m.yaml:5: rows[0].urls: give resources or urls, not both"}},
		{"URL with namespaces", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: get\n    urls: /api\n    namespaces: a\n    allowed: true\n",
			[]string{"m.yaml:5: rows[0].namespaces: a non-resource URL row has no namespaces"}},
		{"URL without slash", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: get\n    urls: metrics\n    allowed: true\n",
			[]string{`m.yaml:4: rows[0].urls: want a path starting with /, got "metrics"`}},
		{"name on create", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: [get, create]\n    resources: v1/pods\n    name: web\n    namespaces: a\n    allowed: true\n",
			[]string{"m.yaml:5: rows[0].name: create acts on the collection"}},
		{"bad namespace", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: get\n    resources: v1/pods\n    namespaces: [a, Team_B]\n    allowed: true\n",
			[]string{`m.yaml:5: rows[0].namespaces[1]: "Team_B" is not a namespace name`}},
		{"empty list", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: []\n    resources: v1/pods\n    allowed: true\n",
			[]string{"m.yaml:3: rows[0].verbs: empty list"}},
		{"bad ServiceAccount", "subjects:\n  - serviceAccount: sample\nrows:\n  - verbs: get\n    urls: /api\n    allowed: true\n",
			[]string{`m.yaml:2: subjects[0].serviceAccount: want namespace/name, got "sample"`}},
		{"groups without a user", "subjects:\n  - groups: [devs]\nrows:\n  - verbs: get\n    urls: /api\n    allowed: true\n",
			[]string{"m.yaml:2: subjects[0]: want serviceAccount: namespace/name, or user:"}},
		{"groups on a ServiceAccount", "subjects:\n  - serviceAccount: a/b\n    groups: [devs]\nrows:\n  - verbs: get\n    urls: /api\n    allowed: true\n",
			[]string{"m.yaml:3: subjects[0].groups: a ServiceAccount's groups are its own"}},
		{"unknown subject key", "subjects:\n  - serviceaccount: a/b\nrows:\n  - verbs: get\n    urls: /api\n    allowed: true\n",
			[]string{"m.yaml:2: subjects[0].serviceaccount: unknown key (want one of serviceAccount, user, groups)"}},
		{"subject twice", "subjects:\n  - user: u\n  - user: u\nrows:\n  - verbs: get\n    urls: /api\n    allowed: true\n",
			[]string{"m.yaml:3: subjects[1]: user u is named twice (first on line 2)"}},
		{"duplicate after expansion", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: read\n    resources: v1/pods\n    namespaces: [a, b]\n    allowed: true\n  - verbs: list\n    resources: v1/pods\n    namespaces: b\n    allowed: false\n",
			[]string{"m.yaml:7: rows[1]: duplicate check after expansion: list pods in namespace b as ServiceAccount a/b is already made by row m.yaml:3 (rows[0]), which says allowed: true"}},
		{"duplicate within a row", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: [read, get]\n    resources: v1/pods\n    namespaces: a\n    allowed: true\n",
			[]string{"m.yaml:3: rows[0]: duplicate check after expansion: get pods in namespace a as ServiceAccount a/b is already made by this same row"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := matrix.Parse("m.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatalf("Parse() = %d checks, want an error", len(m.Checks))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestLoadFolder(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join("fixtures", "access")
	write := func(name, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.yaml", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: list\n    resources: v1/pods\n    allowed: true\n")
	write("README.md", "not a matrix")
	m, err := matrix.Load(root, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 1 || m.Files[0] != "fixtures/access/a.yaml" || len(m.Checks) != 1 {
		t.Fatalf("Load() = files %q, %d checks", m.Files, len(m.Checks))
	}

	t.Run("duplicates across files", func(t *testing.T) {
		write("b.yaml", "subjects: [{serviceAccount: a/b}]\nrows:\n  - verbs: [get, list]\n    resources: v1/pods\n    allowed: false\n")
		defer os.Remove(filepath.Join(root, dir, "b.yaml"))
		_, err := matrix.Load(root, dir)
		want := "fixtures/access/b.yaml:3: rows[0]: duplicate check after expansion: list pods at cluster scope as ServiceAccount a/b is already made by row fixtures/access/a.yaml:3 (rows[0]), which says allowed: true"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load() = %v\nwant %q", err, want)
		}
	})
	t.Run("every file's errors, in order", func(t *testing.T) {
		write("c.yaml", "subjects: [{user: u}]\nrows:\n  - verbs: gett\n    urls: /api\n    allowed: true\n")
		write("d.yaml", "rows: [\n")
		defer os.Remove(filepath.Join(root, dir, "c.yaml"))
		defer os.Remove(filepath.Join(root, dir, "d.yaml"))
		_, err := matrix.Load(root, dir)
		if err == nil {
			t.Fatal("Load() = nil")
		}
		lines := strings.Split(err.Error(), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "fixtures/access/c.yaml:3: rows[0].verbs: unknown verb") ||
			!strings.HasPrefix(lines[1], "fixtures/access/d.yaml:") || !strings.Contains(lines[1], "malformed YAML") {
			t.Errorf("Load() errors:\n%v", err)
		}
	})
	t.Run("no files", func(t *testing.T) {
		if _, err := matrix.Load(root, "nowhere"); err == nil || !strings.Contains(err.Error(), "nowhere") {
			t.Errorf("Load(nowhere) = %v", err)
		}
	})
}

// The shipped examples must load: `make unit` catches a broken fixture
// before anyone needs a cluster.
func TestShippedFixturesLoad(t *testing.T) {
	m, err := matrix.Load("../../..", "fixtures/access")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.BySubject()) < 4 {
		t.Errorf("%d subjects in the shipped fixtures", len(m.BySubject()))
	}
	var allowed, forbidden int
	for _, c := range m.Checks {
		if c.Allowed {
			allowed++
		} else {
			forbidden++
		}
	}
	if allowed == 0 || forbidden == 0 {
		t.Errorf("shipped fixtures have %d allowed and %d forbidden checks; want both kinds", allowed, forbidden)
	}
}
