package identity_test

import (
	"testing"

	"rbac-e2e/e2e/framework/identity"
	"rbac-e2e/e2e/framework/secrets"
)

// Every token the suite parses or signs is known to the credential scan.
func TestTokensAreTracked(t *testing.T) {
	issued := issue(t, newKey(t), tokenRequestClaims())
	tok, err := identity.ParseToken(issued)
	if err != nil {
		t.Fatal(err)
	}
	resigned, err := tok.SignedWith(newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	tracked := secrets.Tracked()
	for name, s := range map[string]string{"parsed": issued, "re-signed": resigned} {
		if m, ok := tracked[secrets.Hash([]byte(s))]; !ok || m.Part != secrets.PartToken {
			t.Errorf("the %s token is not tracked", name)
		}
	}
}
