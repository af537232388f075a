package suite

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// SpecState is what became of one spec, for the closing summary.
type SpecState int

const (
	SpecPassed      SpecState = iota
	SpecFailed                // failed, panicked, timed out, aborted, interrupted
	SpecSkipped               // Skip() with a reason: the cluster cannot show it
	SpecNotSelected           // left out by the label filter
	SpecNotRun                // selected but never started (set-up failed, run interrupted)
)

// SpecOutcome is one spec as the closing summary sees it.
type SpecOutcome struct {
	Text   string
	Labels []string
	State  SpecState
	Reason string // the skip reason, or the failure's first line
}

// Unverified is a scenario ID this run did not verify, and why.
type Unverified struct {
	ID      string
	Reasons []string
}

var scenarioID = regexp.MustCompile(`^(AUTHN|AUTHZ|POD|GATE)-([0-9]+)$`)

// ScenarioIDs are the scenario IDs among a spec's labels.
func ScenarioIDs(labels []string) []string {
	var ids []string
	for _, l := range labels {
		if scenarioID.MatchString(l) && !slices.Contains(ids, l) {
			ids = append(ids, l)
		}
	}
	return ids
}

// NotVerified lists every scenario ID carried by the specs that this run did
// not verify. An ID is verified only when at least one of its specs passed
// and none failed or was skipped for a reason of the cluster's; a spec left
// out by the label filter or never started does not count against an ID
// another spec verified.
func NotVerified(specs []SpecOutcome, labelFilter string) (unverified []Unverified, total int) {
	type state struct {
		passed, broken bool
		notSelected    int
		reasons        []string
	}
	byID := map[string]*state{}
	for _, sp := range specs {
		for _, id := range ScenarioIDs(sp.Labels) {
			st := byID[id]
			if st == nil {
				st = &state{}
				byID[id] = st
			}
			var why string
			switch sp.State {
			case SpecPassed:
				st.passed = true
				continue
			case SpecFailed:
				st.broken = true
				why = "failed: " + sp.Text
				if sp.Reason != "" {
					why += " (" + firstLine(sp.Reason) + ")"
				}
			case SpecSkipped:
				st.broken = true
				why = "skipped: " + firstLine(sp.Reason) + " (" + sp.Text + ")"
			case SpecNotSelected:
				st.notSelected++
				continue
			case SpecNotRun:
				why = "not run"
				if sp.Reason != "" {
					why += " (" + sp.Reason + ")"
				}
				why += ": " + sp.Text
			}
			if !slices.Contains(st.reasons, why) {
				st.reasons = append(st.reasons, why)
			}
		}
	}
	for id, st := range byID {
		if st.passed && !st.broken {
			continue
		}
		if st.notSelected > 0 {
			st.reasons = append(st.reasons, fmt.Sprintf("not selected by the label filter %q (%s)", labelFilter, plural(st.notSelected, "spec")))
		}
		if !st.passed && len(st.reasons) == 0 {
			st.reasons = []string{"no spec passed"}
		}
		unverified = append(unverified, Unverified{ID: id, Reasons: st.reasons})
	}
	slices.SortFunc(unverified, func(a, b Unverified) int { return compareIDs(a.ID, b.ID) })
	return unverified, len(byID)
}

// compareIDs orders AUTHN-2 before AUTHN-10, areas in the order SCENARIOS.md uses.
func compareIDs(a, b string) int {
	ma, mb := scenarioID.FindStringSubmatch(a), scenarioID.FindStringSubmatch(b)
	areas := []string{"AUTHN", "AUTHZ", "POD", "GATE"}
	if d := slices.Index(areas, ma[1]) - slices.Index(areas, mb[1]); d != 0 {
		return d
	}
	na, _ := strconv.Atoi(ma[2])
	nb, _ := strconv.Atoi(mb[2])
	return na - nb
}

// FormatNotVerified is the closing summary's loud block.
func FormatNotVerified(unverified []Unverified, total int, cluster string) string {
	var b strings.Builder
	bar := strings.Repeat("!", 78)
	if len(unverified) == 0 {
		fmt.Fprintf(&b, "every scenario ID of this run's specs (%d) was verified on %s\n", total, cluster)
		return b.String()
	}
	fmt.Fprintf(&b, "%s\nNOT VERIFIED on %s: %d of %d scenario IDs\n", bar, cluster, len(unverified), total)
	for _, u := range unverified {
		fmt.Fprintf(&b, "  %s\n", u.ID)
		for _, r := range u.Reasons {
			fmt.Fprintf(&b, "      - %s\n", r)
		}
	}
	fmt.Fprintf(&b, "(E2E_REQUIRE_ALL=true turns this into a failure of the run)\n%s\n", bar)
	return b.String()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}
