package framework

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/util/wait"
)

func TestRulesAndSubjectsText(t *testing.T) {
	rules := []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "list"}},
		{APIGroups: []string{"apps"}, Resources: []string{"deployments"}, Verbs: []string{"create"}, ResourceNames: []string{"web"}},
		{NonResourceURLs: []string{"/healthz"}, Verbs: []string{"get"}},
	}
	if got, want := rulesText(rules), "get,list pods; create apps/deployments named web; get /healthz"; got != want {
		t.Errorf("rulesText = %q, want %q", got, want)
	}
	if got := rulesText(nil); got != "no rules" {
		t.Errorf("rulesText(nil) = %q", got)
	}
	subjects := []rbacv1.Subject{ServiceAccountSubject("ns", "sa"), {Kind: "Group", Name: "devs"}}
	if got, want := subjectsText(subjects), "ServiceAccount ns/sa, Group devs"; got != want {
		t.Errorf("subjectsText = %q, want %q", got, want)
	}
}

// syncBuffer is a bytes.Buffer the progress goroutine and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestProgress(t *testing.T) {
	var out syncBuffer
	deadline := time.Now().Add(time.Hour)
	stop := Progress(context.Background(), &out, 10*time.Millisecond, deadline, func(now time.Time) string {
		return "a 401 in " + deadline.Sub(now).Round(time.Hour).String()
	})
	// Two intervals' lines, polled within a bound far above the 10ms interval.
	_ = wait.PollUntilContextTimeout(context.Background(), 5*time.Millisecond, time.Second, true, func(context.Context) (bool, error) {
		return strings.Count(out.String(), "\n") >= 2, nil
	})
	stop()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 2 {
		t.Fatalf("Progress printed %q, want a line per interval", out.String())
	}
	if !strings.Contains(lines[0], "still waiting (") || !strings.Contains(lines[0], "left of the bound): a 401 in 1h0m0s") {
		t.Errorf("progress line = %q", lines[0])
	}
	n := len(out.String())
	// Three intervals with nothing printed: a stopped Progress stays quiet.
	time.Sleep(30 * time.Millisecond)
	if len(out.String()) != n {
		t.Error("Progress printed after stop")
	}
}
