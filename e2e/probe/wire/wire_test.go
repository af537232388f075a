package wire

import (
	"reflect"
	"testing"
	"time"
)

// What the suite renders, the probe parses back unchanged.
func TestArgsRoundTrip(t *testing.T) {
	for _, a := range []Args{
		{Jobs: []string{JobFiles, JobEnv}, Channels: []string{ChannelClientGo, ChannelHTTP}, Deployment: DefaultDeployment},
		{Jobs: []string{JobListPods}, Channels: []string{ChannelClientGo}, Deployment: DefaultDeployment,
			Every: 10 * time.Second, For: 10 * time.Minute, ExitOnError: true},
		{Jobs: []string{JobDeployment, JobHealthz}, Namespace: "ns-1", Deployment: "d", Channels: []string{ChannelHTTP}},
	} {
		got, err := Parse("probe", a.Strings())
		if err != nil {
			t.Fatalf("Parse(%q): %v", a.Strings(), err)
		}
		if !reflect.DeepEqual(got, a) {
			t.Errorf("Parse(%q) = %+v, want %+v", a.Strings(), got, a)
		}
	}
}

func TestParseRejectsBadArgs(t *testing.T) {
	for _, argv := range [][]string{
		{},                          // no job
		{"bogus"},                   // unknown job
		{"-channels=grpc", "files"}, // unknown channel
		{"-every=1s", "files"},      // -every without -for
		{"-for=-1s", "-every=1s", "files"},
	} {
		if _, err := Parse("probe", argv); err == nil {
			t.Errorf("Parse(%q) accepted bad arguments", argv)
		}
	}
}

func TestParseLines(t *testing.T) {
	out := `{"seq":1,"channel":"client-go","action":"list","target":"/api/v1/pods","code":403,"ok":false}
probe: list /api/v1/pods: pods is forbidden
{"seq":2,"channel":"http","action":"get","target":"/healthz","code":200,"ok":true,"value":"ok"}
{not json
`
	lines, other := ParseLines(out)
	if len(lines) != 2 || lines[0].Code != 403 || lines[1].Value != "ok" {
		t.Errorf("lines = %+v", lines)
	}
	if len(other) != 2 || other[0] != "probe: list /api/v1/pods: pods is forbidden" {
		t.Errorf("other = %q", other)
	}
}

// Each step of the Deployment's life cycle names the same object, in order.
func TestDeploymentSteps(t *testing.T) {
	steps := DeploymentSteps("ns-1", "d")
	want := []struct{ verb, path string }{
		{"create", "/apis/apps/v1/namespaces/ns-1/deployments"},
		{"get", "/apis/apps/v1/namespaces/ns-1/deployments/d"},
		{"delete", "/apis/apps/v1/namespaces/ns-1/deployments/d"},
	}
	if len(steps) != len(want) {
		t.Fatalf("%d steps, want %d", len(steps), len(want))
	}
	for i, w := range want {
		if steps[i].Verb != w.verb || steps[i].Path() != w.path {
			t.Errorf("step %d = %s %s, want %s %s", i, steps[i].Verb, steps[i].Path(), w.verb, w.path)
		}
	}
}
