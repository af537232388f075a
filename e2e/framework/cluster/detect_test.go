package cluster

import (
	"strings"
	"testing"
)

func TestMatchKind(t *testing.T) {
	eps := []kindEndpoint{
		{Name: "other", Server: "https://127.0.0.1:40001", CA: []byte("ca-other")},
		{Name: "h5", Server: "https://127.0.0.1:40002", CA: []byte("ca-h5")},
	}
	tests := []struct {
		name, server, context string
		ca                    []byte
		want, why             string
	}{
		{"port and context", "https://127.0.0.1:40002", "kind-h5", []byte("ca-h5"), "h5", `kind cluster "h5"'s published API server port (context kind-h5)`},
		{"localhost, renamed context", "https://localhost:40002", "ci", nil, "h5", `kind cluster "h5"`},
		{"same port, other CA (port reused)", "https://127.0.0.1:40002", "kind-h5", []byte("ca-x"), "", "is no kind cluster of the local Docker engine (it runs other at https://127.0.0.1:40001, h5 at https://127.0.0.1:40002)"},
		{"remote cluster", "https://10.0.0.5:6443", "prod", nil, "", "https://10.0.0.5:6443 is no kind cluster"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := matchKind(tt.server, tt.context, tt.ca, eps)
			if got != tt.want || !strings.Contains(why, tt.why) {
				t.Errorf("matchKind = %q, %q; want %q and a reason containing %q", got, why, tt.want, tt.why)
			}
		})
	}
	if _, why := matchKind("https://127.0.0.1:1", "", nil, nil); !strings.Contains(why, "it runs none") {
		t.Errorf("no kind clusters: %q", why)
	}
}
