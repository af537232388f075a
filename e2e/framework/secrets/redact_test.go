package secrets

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

func mustNotContain(t *testing.T, what, got string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(got, s) {
			t.Errorf("%s: the credential is still there:\n%s", what, got)
		}
	}
}

func TestRedactSecretBodies(t *testing.T) {
	tok := fakeJWT(t)
	b64 := base64.StdEncoding.EncodeToString([]byte(tok))
	for _, tt := range []struct{ name, body string }{
		{"Secret with kind", `{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s","namespace":"ns"},"type":"kubernetes.io/service-account-token","data":{"token":"` + b64 + `","ca.crt":"Y2E=","namespace":"bnM="}}`},
		{"Secret as client-go decodes it (no kind)", `{"metadata":{"name":"s","namespace":"ns"},"type":"Opaque","data":{"password":"aHVudGVyMg=="},"stringData":{"plain":"hunter2"}}`},
		{"SecretList items", `{"kind":"SecretList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"s"},"type":"Opaque","data":{"x":"aHVudGVyMg=="}}]}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := RedactString(tt.body)
			mustNotContain(t, tt.name, got, b64, "aHVudGVyMg==", "hunter2", "Y2E=")
			var o map[string]any
			if err := json.Unmarshal([]byte(got), &o); err != nil {
				t.Fatalf("the redacted body is not JSON: %v\n%s", err, got)
			}
			if _, ok := o["metadata"]; !ok || strings.Contains(got, "\n") {
				t.Errorf("want compact JSON with metadata kept, got %s", got)
			}
			if strings.Contains(tt.body, `"kind"`) && !strings.Contains(got, `"kind":"`) {
				t.Errorf("kind dropped: %s", got)
			}
			if !strings.Contains(got, Redacted) {
				t.Errorf("no %s in %s", Redacted, got)
			}
		})
	}
}

func TestRedactTokenBodies(t *testing.T) {
	tok := fakeJWT(t)
	for _, tt := range []struct{ name, body, keep string }{
		{"TokenRequest", `{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","metadata":{"name":"sa"},"spec":{"audiences":["a"]},"status":{"token":"` + tok + `","expirationTimestamp":"2026-01-01T00:00:00Z"}}`, `"audiences":["a"]`},
		{"TokenReview", `{"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","spec":{"token":"not-a-jwt-but-a-token"},"status":{"authenticated":true}}`, `"authenticated":true`},
		{"kubeconfig (JSON)", `{"kind":"Config","users":[{"name":"u","user":{"token":"opaque-token-value","client-key-data":"LS0tLS1CRUdJTi"}}]}`, `"name":"u"`},
		{"OAuth answer", `{"access_token":"at-123","id_token":"` + tok + `","token_type":"Bearer"}`, `"token_type":"Bearer"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := RedactString(tt.body)
			mustNotContain(t, tt.name, got, tok, "not-a-jwt-but-a-token", "opaque-token-value", "LS0tLS1CRUdJTi", "at-123")
			if !strings.Contains(got, tt.keep) {
				t.Errorf("%q was lost: %s", tt.keep, got)
			}
		})
	}
}

func TestRedactLeavesOtherJSONAlone(t *testing.T) {
	body := "{\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\"name\": \"c\"},\n  \"data\": {\"ca.crt\": \"abc\"}\n}"
	if got := RedactString(body); got != body {
		t.Errorf("a body without credentials changed:\n%s", got)
	}
}

// An error about a token file names the file, not a credential.
func TestRedactLeavesFilePathsAlone(t *testing.T) {
	msg := "open /var/run/secrets/kubernetes.io/serviceaccount/token: no such file or directory"
	if got := RedactString(msg); got != msg {
		t.Errorf("RedactString(%q) = %q, want it unchanged", msg, got)
	}
}

func TestRedactText(t *testing.T) {
	tok := fakeJWT(t)
	b64 := base64.StdEncoding.EncodeToString([]byte(tok))
	for _, tt := range []struct{ name, text, secret, keep string }{
		{"JWT in a message", "request as sa failed: token " + tok + " refused", tok, "refused"},
		{"base64 JWT (Secret data as served)", "data:\n  token: " + b64 + "\n", b64, "data:"},
		{"YAML kubeconfig", "users:\n- name: u\n  user:\n    token: opaque-token-value\n    client-key-data: LS0tLS1CRUdJTiBSU0E=\n", "opaque-token-value", "name: u"},
		{"client-key-data in YAML", "    client-key-data: LS0tLS1CRUdJTiBSU0E=\n", "LS0tLS1CRUdJTiBSU0E=", "client-key-data"},
		{"Go %+v of a TokenRequestStatus", "{Token:opaque-token-value ExpirationTimestamp:2026}", "opaque-token-value", "ExpirationTimestamp"},
		{"Authorization header", "GET /api\nAuthorization: Bearer opaque-token-value\n", "opaque-token-value", "Authorization: Bearer"},
		{"PEM private key", "key:\n" + testKey + "\nafter", "MIIBOgIBAAJBAKj34", "after"},
		{"PEM private key with escaped newlines", `"key":"` + strings.ReplaceAll(testKey, "\n", `\n`) + `" x`, "MIIBOgIBAAJBAKj34", " x"},
		{"PEM private key cut off", "tail of a log: " + testKey[:200], "MIIBOgIBAAJBAKj34", "tail of a log"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := RedactString(tt.text)
			mustNotContain(t, tt.name, got, tt.secret)
			if !strings.Contains(got, tt.keep) || !strings.Contains(got, Redacted) {
				t.Errorf("want %q kept and %s, got %q", tt.keep, Redacted, got)
			}
		})
	}
}

func TestRedactJSONLinesAndMixedOutput(t *testing.T) {
	tok := fakeJWT(t)
	out := `{"seq":1,"channel":"http","message":"bad token ` + tok + `"}` + "\n" +
		"panic: token=" + tok + "\n" +
		`{"seq":2,"channel":"files","ok":true}` + "\n"
	got := RedactString(out)
	mustNotContain(t, "JSON lines", got, tok)
	if lines := strings.Split(got, "\n"); len(lines) != 4 || !strings.Contains(lines[2], `"seq":2`) {
		t.Errorf("lines were not kept: %q", got)
	}
}

func TestRedactIsIdempotent(t *testing.T) {
	tok := fakeJWT(t)
	once := RedactString(`{"kind":"TokenRequest","status":{"token":"` + tok + `"}}` + "\ntoken: abc\n")
	if twice := RedactString(once); twice != once {
		t.Errorf("redacting again changed it:\n%s\n%s", once, twice)
	}
}
