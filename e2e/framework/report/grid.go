package report

import (
	"fmt"
	"slices"
	"strings"

	"rbac-e2e/e2e/framework/access"
)

// GridEntry is one cell of an access grid: what the cluster answered for a
// verb on a resource in a scope, and why it is marked when it is not what
// was expected (a hand-written row, or the recorded snapshot).
type GridEntry struct {
	Scope    string `json:"scope"`    // "cluster" or a namespace
	Resource string `json:"resource"` // pods, pods/log, deployments.apps, secrets "name", /metrics
	Verb     string `json:"verb"`
	Allowed  bool   `json:"allowed"`
	Mismatch string `json:"mismatch,omitempty"`
}

// ClusterScope is the Scope of cluster-scoped entries and of URLs.
const ClusterScope = "cluster"

// verbOrder is the grid's column order (access.Verbs); other verbs follow, sorted.
var verbOrder = access.Verbs

func verbRank(v string) int {
	if i := slices.Index(verbOrder, v); i >= 0 {
		return i
	}
	return len(verbOrder)
}

// MergeGrid folds entries that name the same cell into one, a mismatch
// winning over a plain answer, and sorts them: cluster scope first, then
// namespaces, resources and verbs.
func MergeGrid(entries []GridEntry) []GridEntry {
	index := map[[3]string]int{}
	var out []GridEntry
	for _, e := range entries {
		k := [3]string{e.Scope, e.Resource, e.Verb}
		i, ok := index[k]
		if !ok {
			index[k] = len(out)
			out = append(out, e)
			continue
		}
		if out[i].Mismatch == "" && e.Mismatch != "" {
			out[i] = e
		} else if e.Mismatch != "" && !strings.Contains(out[i].Mismatch, e.Mismatch) {
			out[i].Mismatch += "; " + e.Mismatch
		}
	}
	slices.SortFunc(out, func(a, b GridEntry) int {
		if c := compareScope(a.Scope, b.Scope); c != 0 {
			return c
		}
		if c := strings.Compare(a.Resource, b.Resource); c != 0 {
			return c
		}
		if c := verbRank(a.Verb) - verbRank(b.Verb); c != 0 {
			return c
		}
		return strings.Compare(a.Verb, b.Verb)
	})
	return out
}

func compareScope(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == ClusterScope:
		return -1
	case b == ClusterScope:
		return 1
	}
	return strings.Compare(a, b)
}

// GridMarkdown renders merged entries as one table per scope: a row per
// resource, a column per verb asked in that scope, ✔ allowed, ✖ denied,
// an empty cell not asked; a marked cell (**✔**⚠) is a mismatch, explained
// under its table.
func GridMarkdown(entries []GridEntry) string {
	entries = MergeGrid(entries)
	var b strings.Builder
	for len(entries) > 0 {
		scope := entries[0].Scope
		n := 0
		for n < len(entries) && entries[n].Scope == scope {
			n++
		}
		writeScope(&b, scope, entries[:n])
		entries = entries[n:]
	}
	if b.Len() == 0 {
		return "Nothing was asked.\n"
	}
	return b.String()
}

func writeScope(b *strings.Builder, scope string, entries []GridEntry) {
	if scope == ClusterScope {
		b.WriteString("### Cluster scope (and URLs)\n\n")
	} else {
		fmt.Fprintf(b, "### Namespace %s\n\n", scope)
	}
	var verbs, resources []string
	cells := map[[2]string]GridEntry{}
	for _, e := range entries {
		if !slices.Contains(verbs, e.Verb) {
			verbs = append(verbs, e.Verb)
		}
		if !slices.Contains(resources, e.Resource) {
			resources = append(resources, e.Resource)
		}
		cells[[2]string{e.Resource, e.Verb}] = e
	}
	slices.SortFunc(verbs, func(a, b string) int {
		if c := verbRank(a) - verbRank(b); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	b.WriteString("| resource | " + strings.Join(verbs, " | ") + " |\n")
	b.WriteString("|---|" + strings.Repeat("---|", len(verbs)) + "\n")
	var notes []string
	for _, res := range resources {
		line := []string{cell(res)}
		for _, v := range verbs {
			e, ok := cells[[2]string{res, v}]
			switch {
			case !ok:
				line = append(line, "")
			case e.Mismatch != "":
				line = append(line, "**"+mark(e.Allowed)+"**⚠")
				notes = append(notes, fmt.Sprintf("- ⚠ %s %s: %s — %s", v, res, answer(e.Allowed), e.Mismatch))
			default:
				line = append(line, mark(e.Allowed))
			}
		}
		b.WriteString("| " + strings.Join(line, " | ") + " |\n")
	}
	b.WriteString("\n")
	if len(notes) > 0 {
		b.WriteString(strings.Join(notes, "\n") + "\n\n")
	}
}

func mark(allowed bool) string {
	if allowed {
		return "✔"
	}
	return "✖"
}

func answer(allowed bool) string {
	if allowed {
		return "allowed"
	}
	return "denied"
}
