package cluster

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// fakeImages is an ImageStore: images present locally, and what a pull does.
type fakeImages struct {
	present map[string]bool
	pullErr error
	pulls   []string
}

func (f *fakeImages) Present(_ context.Context, ref string) bool { return f.present[ref] }

func (f *fakeImages) Pull(_ context.Context, ref string) error {
	f.pulls = append(f.pulls, ref)
	if f.pullErr != nil {
		return f.pullErr
	}
	f.present[ref] = true
	return nil
}

func TestChooseImage(t *testing.T) {
	const offline = "rbac-e2e-node:offline"
	noRegistry := errors.New("docker pull: dial tcp: lookup registry-1.docker.io: no such host\nmore detail")
	tests := []struct {
		name            string
		present         []string
		pullErr         error
		explicit        string
		offline         string
		wantRef         string
		wantOffline     bool
		wantPulls       int
		wantErrContains []string
	}{
		{name: "explicit wins", explicit: "my/node:v1", offline: offline, wantRef: "my/node:v1"},
		{name: "explicit offline image is offline", explicit: offline, offline: offline, wantRef: offline, wantOffline: true},
		{name: "stock present", present: []string{StockImage, offline}, offline: offline, wantRef: StockImage},
		{name: "stock pullable", offline: offline, wantRef: StockImage, wantPulls: 1},
		{name: "offline fallback", present: []string{offline}, pullErr: noRegistry, offline: offline,
			wantRef: offline, wantOffline: true, wantPulls: 1},
		{name: "offline missing", pullErr: noRegistry, offline: offline, wantPulls: 1,
			wantErrContains: []string{"make node-image", offline, "no such host"}},
		{name: "no offline image named", pullErr: noRegistry, wantPulls: 1,
			wantErrContains: []string{"make node-image", "E2E_OFFLINE_NODE_IMAGE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &fakeImages{present: map[string]bool{}, pullErr: tt.pullErr}
			for _, ref := range tt.present {
				store.present[ref] = true
			}
			got, err := ChooseImage(t.Context(), store, tt.explicit, tt.offline)
			if len(store.pulls) != tt.wantPulls {
				t.Errorf("pulls = %q, want %d", store.pulls, tt.wantPulls)
			}
			if tt.wantErrContains != nil {
				if err == nil {
					t.Fatalf("ChooseImage() = %+v, want an error", got)
				}
				for _, s := range tt.wantErrContains {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not mention %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("ChooseImage() error: %v", err)
			}
			if got.Ref != tt.wantRef || got.Offline != tt.wantOffline || got.Reason == "" {
				t.Errorf("ChooseImage() = %+v, want ref %q offline %t and a reason", got, tt.wantRef, tt.wantOffline)
			}
			if got.Offline && tt.pullErr != nil && strings.Contains(got.Reason, "more detail") {
				t.Errorf("reason %q carries more than the first line of the pull error", got.Reason)
			}
		})
	}
}
