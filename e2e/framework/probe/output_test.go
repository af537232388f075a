package probe

import (
	"strings"
	"testing"

	"rbac-e2e/e2e/framework/secrets"
	"rbac-e2e/e2e/probe/wire"
)

func TestDecodeTracksTheMountedTokenAndRedacts(t *testing.T) {
	whole, sig := secrets.Hash([]byte("mounted token of a probe pod")), secrets.Hash([]byte("its signature"))
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0xx.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
	raw := `{"seq":1,"channel":"files","action":"read","target":"` + wire.TokenFile + `","ok":true,"detail":{"token_sha256":"` + whole + `","token_signature_sha256":"` + sig + `"}}` + "\n" +
		`{"seq":2,"channel":"http","action":"get","target":"/api","message":"bad ` + jwt + `"}` + "\n" +
		"panic: token " + jwt + "\n"
	o := decode([]byte(raw))
	tracked := secrets.Tracked()
	if tracked[whole].Part != secrets.PartToken || tracked[sig].Part != secrets.PartSignature {
		t.Errorf("the mounted token's hashes are not tracked")
	}
	if s := o.String(); strings.Contains(s, jwt) || !strings.Contains(s, secrets.Redacted) {
		t.Errorf("the output shows a token:\n%s", s)
	}
}
