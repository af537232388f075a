package probe

import (
	"strings"
	"testing"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/probe/wire"
)

func outsideResult(r access.Request, e access.Expectation, code int) access.Result {
	return access.Result{
		Subject: access.NewSubject("system:serviceaccount:ns:sa", "t"),
		Request: r, Expect: e,
		Outcomes: []access.ChannelOutcome{{Channel: "client-go", Outcome: access.Outcome{Code: code}}, {Channel: "http", Outcome: access.Outcome{Code: code}}},
	}
}

func TestAgree(t *testing.T) {
	r := wire.DeploymentSteps("ns", "d")[0] // create: the probe names its object per channel
	line := func(ch string, code int) wire.Line {
		rc, _ := r.ForChannel(ch)
		return wire.Line{Seq: 1, Channel: ch, Action: rc.Verb, Target: rc.Path(), Code: code, OK: code/100 == 2}
	}
	both := []string{wire.ChannelClientGo, wire.ChannelHTTP}

	agreeing := Output{Lines: []wire.Line{line("client-go", 201), line("http", 201)}}
	if err := Agree(outsideResult(r, access.Allowed(), 201), r, "u", agreeing, both...); err != nil {
		t.Errorf("agreeing results: %v", err)
	}

	forbiddenInPod := Output{Lines: []wire.Line{line("client-go", 403), line("http", 201)}}
	err := Agree(outsideResult(r, access.Allowed(), 201), r, "u", forbiddenInPod, both...)
	if err == nil {
		t.Fatal("a 403 in the Pod against 201 outside passed")
	}
	for _, want := range []string{"in-pod client-go missed the expectation", "in-pod client-go and outside client-go disagree",
		"subject:", "request:", "expected:", "in-pod client-go: got 403"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("report lacks %q:\n%v", want, err)
		}
	}

	missing := Output{Lines: []wire.Line{line("client-go", 201)}}
	if err := Agree(outsideResult(r, access.Allowed(), 201), r, "u", missing, both...); err == nil || !strings.Contains(err.Error(), "in-pod http made no such request") {
		t.Errorf("a channel without a line: %v", err)
	}
}

func TestLatest(t *testing.T) {
	o := Output{Lines: []wire.Line{
		{Seq: 1, Channel: "http", Action: "list", Target: "/p", Code: 403},
		{Seq: 2, Channel: "client-go", Action: "list", Target: "/p", Code: 403},
		{Seq: 3, Channel: "http", Action: "list", Target: "/p", Code: 200},
	}}
	got := o.Latest()
	if len(got.Lines) != 2 || got.Lines[0].Seq != 2 || got.Lines[1].Seq != 3 {
		t.Errorf("Latest() = %+v", got.Lines)
	}
	if l, ok := o.Last("http", "list", "/p"); !ok || l.Seq != 3 {
		t.Errorf("Last = %+v, %t", l, ok)
	}
}
