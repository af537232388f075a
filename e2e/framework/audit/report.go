package audit

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Counts are how many findings have each status.
type Counts struct {
	Total   int `json:"total"`
	New     int `json:"new"`
	AtBase  int `json:"atBase"`
	Allowed int `json:"allowed"`
}

// Count counts fs by status.
func Count(fs []Finding) Counts {
	c := Counts{Total: len(fs)}
	for _, f := range fs {
		switch f.Status {
		case StatusNew:
			c.New++
		case StatusAtBase:
			c.AtBase++
		case StatusAllowed:
			c.Allowed++
		}
	}
	return c
}

// JSON is the findings for machines: the counts and every finding, sorted.
func JSON(fs []Finding) ([]byte, error) {
	fs = slices.Clone(fs)
	Sort(fs)
	if fs == nil {
		fs = []Finding{}
	}
	b, err := json.MarshalIndent(struct {
		Counts   Counts    `json:"counts"`
		Findings []Finding `json:"findings"`
	}{Count(fs), fs}, "", "  ")
	return append(b, '\n'), err
}

// Markdown is the findings for people: a count line, a table (new first)
// and the rules hit, each with why it is dangerous.
func Markdown(fs []Finding) string {
	fs = slices.Clone(fs)
	Sort(fs)
	c := Count(fs)
	var b strings.Builder
	if c.Total == 0 {
		return "No dangerous grants.\n"
	}
	fmt.Fprintf(&b, "%d dangerous grants: **%d new**, %d present at the base, %d allowed.\n\n", c.Total, c.New, c.AtBase, c.Allowed)
	b.WriteString("| | subject | rule | permission | scope | granted by |\n|---|---|---|---|---|---|\n")
	var hit []string
	var entries [][2]string // allow-list entry, reason
	for _, f := range fs {
		if !slices.Contains(hit, f.Rule) {
			hit = append(hit, f.Rule)
		}
		status := "**NEW**"
		switch f.Status {
		case StatusAtBase:
			status = "at the base"
		case StatusAllowed:
			status = "allowed (" + f.AllowedBy + ")"
			if !slices.ContainsFunc(entries, func(e [2]string) bool { return e[0] == f.AllowedBy }) {
				entries = append(entries, [2]string{f.AllowedBy, f.AllowReason})
			}
		}
		perm := f.Permission
		if perm == "" {
			perm = "—"
		}
		granted := f.Paths
		if len(granted) == 0 {
			granted = []string{"no RBAC path (another authorizer allowed it)"}
		}
		for _, g := range f.Also {
			ps := "no RBAC path"
			if len(g.Paths) > 0 {
				ps = strings.Join(g.Paths, "; ")
			}
			granted = append(granted, "with "+g.Permission+": "+ps)
		}
		fmt.Fprintf(&b, "| %s | %s | `%s` | %s | %s | %s |\n", cell(status), cell(f.Subject), f.Rule, cell(perm), cell(f.Scope), cell(strings.Join(granted, "\n")))
	}
	b.WriteString("\n| rule | what | why it is dangerous |\n|---|---|---|\n")
	slices.SortFunc(hit, func(a, b string) int { return ruleRank(a) - ruleRank(b) })
	for _, id := range hit {
		r, _ := RuleByID(id)
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.ID, cell(r.Title), cell(r.Reason))
	}
	if len(entries) > 0 {
		b.WriteString("\n| allow-list entry | why the team accepts it |\n|---|---|\n")
		for _, e := range entries {
			fmt.Fprintf(&b, "| %s | %s |\n", cell(e[0]), cell(e[1]))
		}
	}
	return b.String()
}

// RulesMarkdown is the table of every rule, for documentation.
func RulesMarkdown() string {
	var b strings.Builder
	b.WriteString("| rule ID | flags | why it is dangerous |\n|---|---|---|\n")
	for _, r := range Rules {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.ID, cell(r.Title), cell(r.Reason))
	}
	return b.String()
}

func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", "<br>").Replace(s)
}
