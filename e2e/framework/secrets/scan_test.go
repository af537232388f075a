package secrets

import (
	"compress/gzip"
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func known(values ...string) Known {
	k := Known{}
	for _, v := range values {
		k.add(v)
	}
	return k
}

func scanDir(t *testing.T, k Known, root string) []Leak {
	t.Helper()
	leaks, _, err := k.ScanDir(root)
	if err != nil {
		t.Fatal(err)
	}
	return leaks
}

func TestScanFindsALeakInANestedFile(t *testing.T) {
	tok := fakeJWT(t)
	k := known(tok)
	root := t.TempDir()
	write(t, filepath.Join(root, "junit.xml"), "<testsuite>\n</testsuite>\n")
	leaked := filepath.Join(root, "kind-logs", "node", "pods", "kube-apiserver.log")
	write(t, leaked, "line one\nline two\nAuthorization: Bearer "+tok+"\n")

	leaks := scanDir(t, k, root)
	if len(leaks) != 1 {
		t.Fatalf("want 1 leak, got %v", leaks)
	}
	msg := leaks[0].String()
	want := "credential leak: " + leaked + ":3: token sha256:" + Hash([]byte(tok))[:12] + "… (minted during this run)"
	if msg != want {
		t.Errorf("got  %s\nwant %s", msg, want)
	}
	if strings.Contains(msg, tok) || strings.Contains(msg, tok[len(tok)-30:]) {
		t.Error("the leak message shows the token")
	}
}

func TestScanPassesARedactedFile(t *testing.T) {
	tok := fakeJWT(t)
	root := t.TempDir()
	body := `{"kind":"TokenRequest","status":{"token":"` + tok + `"}}` + "\nmessage: as sa (token " + tok + ")\n"
	write(t, filepath.Join(root, "gate", "report.md"), RedactString(body))
	if leaks := scanDir(t, known(tok), root); len(leaks) != 0 {
		t.Errorf("a redacted file was reported: %v", leaks)
	}
	write(t, filepath.Join(root, "gate", "raw.md"), body)
	if leaks := scanDir(t, known(tok), root); len(leaks) != 2 {
		t.Errorf("want both lines of the unredacted copy, got %v", leaks)
	}
}

func TestScanFindsPartsAndEncodings(t *testing.T) {
	tok := fakeJWT(t)
	sig := tok[strings.LastIndexByte(tok, '.')+1:]
	header := tok[:strings.IndexByte(tok, '.')]
	id := Hash([]byte(tok))[:12]
	var gz strings.Builder
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte("rotated log\n" + tok + "\n"))
	_ = zw.Close()
	for _, tt := range []struct{ name, text, want string }{
		{"only the signature", "sig=" + sig + ".", "signature of token sha256:" + id},
		{"the claims re-signed: another token with the same signature", header + ".eyJzdWIiOiJmb3JnZWQifQ." + sig, "signature of token sha256:" + id},
		{"standard base64 (a Secret's data)", `"token":"` + base64.StdEncoding.EncodeToString([]byte(tok)) + `"`, "token sha256:" + id},
		{"inside JSON-escaped text", `"message":"as \"` + tok + `\"\n"`, "token sha256:" + id},
	} {
		t.Run(tt.name, func(t *testing.T) {
			leaks := known(tok).ScanText("out", []byte(tt.text))
			if len(leaks) != 1 || !strings.Contains(leaks[0].String(), tt.want) {
				t.Errorf("want one leak with %q, got %v", tt.want, leaks)
			}
		})
	}
	t.Run("gzip file", func(t *testing.T) {
		root := t.TempDir()
		write(t, filepath.Join(root, "kind-logs", "journal.log.gz"), gz.String())
		if leaks := scanDir(t, known(tok), root); len(leaks) != 1 || leaks[0].Line != 2 {
			t.Errorf("want the token on line 2 of the gzip file, got %v", leaks)
		}
	})
}

func TestScanFindsPrivateKeyLines(t *testing.T) {
	k := known(testKey)
	lines := strings.Split(testKey, "\n")
	leaks := k.ScanText("events.txt", []byte("ok\n"+lines[3]+"\n"))
	if len(leaks) != 1 || leaks[0].Line != 2 || !strings.Contains(leaks[0].String(), "part of private key sha256:") {
		t.Errorf("want one key line found, got %v", leaks)
	}
	kubeconfigYAML := "client-key-data: " + base64.StdEncoding.EncodeToString([]byte(testKey))
	if leaks := k.ScanText("kubeconfig", []byte(kubeconfigYAML)); len(leaks) != 1 {
		t.Errorf("want the base64 key found, got %v", leaks)
	}
}

func TestScanNoFalsePositive(t *testing.T) {
	k := known(fakeJWT(t), testKey, "a-tracked-secret-value-0123456789")
	other := fakeJWT(t)
	random := make([]byte, 300)
	_, _ = rand.Read(random)
	text := strings.Join([]string{
		other, // a JWT that was not tracked
		base64.StdEncoding.EncodeToString(random),
		base64.RawURLEncoding.EncodeToString(random),
		"sha256:" + Hash([]byte(other)), // hashes are no leak
		"as system:serviceaccount:ns:sa (token sha256:0123456789ab)",
		"a-tracked-secret-value-012345678", // only a part of a plain value
	}, "\n")
	if leaks := k.ScanText("out", []byte(text)); len(leaks) != 0 {
		t.Errorf("false positives: %v", leaks)
	}
}

func TestHashFilesRoundTripAndAreSkipped(t *testing.T) {
	tok := fakeJWT(t)
	Track(tok)
	Track("short") // too short to find: not tracked
	TrackHashes(Hash([]byte("mounted-token-of-a-pod-xxxxxxxx")), "")
	root := t.TempDir()
	dir := filepath.Join(root, HashesDir)
	if err := WriteHashes(dir, 3); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "process-3"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), tok[len(tok)-20:]) || strings.Contains(string(raw), "short") {
		t.Fatalf("the hash file holds a value:\n%s", raw)
	}
	k, err := LoadHashes(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m := k[Hash([]byte(tok))]; m.Part != PartToken {
		t.Errorf("the token's hash did not round-trip: %v", k)
	}
	if _, ok := k[Hash([]byte("mounted-token-of-a-pod-xxxxxxxx"))]; !ok {
		t.Error("a hash from TrackHashes did not round-trip")
	}
	// A file in the hash folder never counts, whatever it holds.
	write(t, filepath.Join(dir, "notes"), tok)
	if leaks := scanDir(t, k, root); len(leaks) != 0 {
		t.Errorf("the hash folder was scanned: %v", leaks)
	}
	if k, err := LoadHashes(filepath.Join(root, "missing")); err != nil || len(k) != 0 {
		t.Errorf("a missing hash folder: %v %v", k, err)
	}
}

func TestCertificatesAreNotTracked(t *testing.T) {
	k := known("-----BEGIN CERTIFICATE-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END CERTIFICATE-----\n")
	if len(k) != 0 {
		t.Errorf("a certificate was tracked: %v", k)
	}
}

func TestRedactTracksWhatItTakesOut(t *testing.T) {
	tok, other := fakeJWT(t), fakeJWT(t)
	RedactString(`{"kind":"Secret","metadata":{},"data":{"token":"` + base64.StdEncoding.EncodeToString([]byte(tok)) + `"}}`)
	RedactString("log line with " + other)
	tracked := Tracked()
	for _, s := range []string{tok, other} {
		if tracked[Hash([]byte(s))].Part != PartToken {
			t.Error("a token Redact took out is not tracked")
		}
	}
}
