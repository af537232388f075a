package access_test

import (
	"errors"
	"strings"
	"testing"

	"rbac-e2e/e2e/framework/access"
)

func TestTLSRefusedMet(t *testing.T) {
	tests := []struct {
		name string
		o    access.Outcome
		want bool
	}{
		{"unknown authority", access.Outcome{Err: errors.New(`Get "https://x/api": tls: failed to verify certificate: x509: certificate signed by unknown authority`)}, true},
		{"another transport error", access.Outcome{Err: errors.New("dial tcp: connection refused")}, false},
		{"a response", access.Outcome{Code: 200}, false},
		{"a 401", access.Outcome{Code: 401}, false},
		{"nothing at all", access.Outcome{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := access.TLSRefused().Met(tt.o); got != tt.want {
				t.Errorf("TLSRefused().Met(%s) = %t, want %t", tt.o, got, tt.want)
			}
		})
	}
	if access.TLSRefused().IsAllowed() {
		t.Error("TLSRefused().IsAllowed() = true")
	}
}

func TestCheckerTLSRefused(t *testing.T) {
	srv, _ := fakeAPIServer(t)
	sa := access.NewSubject("sa", "allowed")
	tests := []struct {
		name    string
		ca      []byte
		wantErr string
	}{
		{"a foreign CA is refused on both channels", foreignCA(t), ""},
		{"the server's own CA gets through", caOf(srv), "client-go missed the expectation; http missed the expectation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := access.NewChecker(srv.URL, tt.ca)
			if err != nil {
				t.Fatal(err)
			}
			err = c.Check(t.Context(), sa, access.Get("/api"), access.TLSRefused())
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Check() = %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "TLS handshake fails")):
				t.Errorf("Check() = %v, want an error saying %q and the expectation", err, tt.wantErr)
			}
			if got := c.Requests["review"].Load(); got != 0 {
				t.Errorf("%d access reviews made, want none: no request reaches the server", got)
			}
		})
	}
}
