package suite

import (
	"reflect"
	"strings"
	"testing"
)

func TestNotVerified(t *testing.T) {
	specs := []SpecOutcome{
		{Text: "AUTHN-1 a", Labels: []string{"authn", "AUTHN-1"}, State: SpecPassed},
		{Text: "AUTHN-5 fast", Labels: []string{"authn", "AUTHN-5"}, State: SpecSkipped, Reason: "needs the node's signing key\nmore"},
		{Text: "AUTHN-5 slow", Labels: []string{"authn", "slow", "AUTHN-5"}, State: SpecNotSelected},
		{Text: "AUTHN-10 x", Labels: []string{"AUTHN-10"}, State: SpecPassed},
		{Text: "AUTHN-10 slow", Labels: []string{"AUTHN-10", "slow"}, State: SpecNotSelected}, // another spec verified it
		{Text: "AUTHZ-2 a", Labels: []string{"AUTHZ-2"}, State: SpecPassed},
		{Text: "AUTHZ-2 b", Labels: []string{"AUTHZ-2"}, State: SpecFailed, Reason: "Expected 403"},
		{Text: "POD-1", Labels: []string{"in-pod", "POD-1"}, State: SpecNotSelected},
		{Text: "POD-1 b", Labels: []string{"in-pod", "POD-1"}, State: SpecNotSelected},
		{Text: "GATE-1", Labels: []string{"gate", "GATE-1"}, State: SpecNotRun, Reason: "the run was interrupted"},
		{Text: "AUTHN-2 a", Labels: []string{"AUTHN-2"}, State: SpecPassed},
		{Text: "AUTHN-2 b", Labels: []string{"AUTHN-2"}, State: SpecSkipped, Reason: "anonymous auth is off"}, // a cluster reason spoils a pass
	}
	got, total := NotVerified(specs, "!slow")
	if total != 7 {
		t.Errorf("total = %d, want 7", total)
	}
	want := []Unverified{
		{ID: "AUTHN-2", Reasons: []string{"skipped: anonymous auth is off (AUTHN-2 b)"}},
		{ID: "AUTHN-5", Reasons: []string{"skipped: needs the node's signing key … (AUTHN-5 fast)", `not selected by the label filter "!slow" (1 spec)`}},
		{ID: "AUTHZ-2", Reasons: []string{"failed: AUTHZ-2 b (Expected 403)"}},
		{ID: "POD-1", Reasons: []string{`not selected by the label filter "!slow" (2 specs)`}},
		{ID: "GATE-1", Reasons: []string{"not run (the run was interrupted): GATE-1"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NotVerified =\n%#v\nwant\n%#v", got, want)
	}
	block := FormatNotVerified(got, total, "kind cluster \"c\"")
	for _, w := range []string{"NOT VERIFIED on kind cluster \"c\": 5 of 7 scenario IDs", "  AUTHN-5\n      - skipped: needs", "E2E_REQUIRE_ALL=true"} {
		if !strings.Contains(block, w) {
			t.Errorf("block lacks %q:\n%s", w, block)
		}
	}
	if ok := FormatNotVerified(nil, 3, "x"); !strings.Contains(ok, "every scenario ID of this run's specs (3) was verified on x") {
		t.Errorf("all verified: %q", ok)
	}
}

func TestScenarioIDs(t *testing.T) {
	got := ScenarioIDs([]string{"authz", "AUTHZ-3", "in-pod", "POD-12", "AUTHZ-3", "GATE-x", "SLOW-1"})
	if !reflect.DeepEqual(got, []string{"AUTHZ-3", "POD-12"}) {
		t.Errorf("ScenarioIDs = %v", got)
	}
}
