package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rbac-e2e/e2e/framework/secrets"
)

func TestRun(t *testing.T) {
	sig := make([]byte, 256)
	_, _ = rand.Read(sig)
	tok := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6bnM6c2EifQ." + base64.RawURLEncoding.EncodeToString(sig)
	root := t.TempDir()
	secrets.Track(tok)
	if err := secrets.WriteHashes(filepath.Join(root, secrets.HashesDir), 1); err != nil {
		t.Fatal(err)
	}
	mustWrite := func(name, content string) {
		t.Helper()
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mustWrite("junit.xml", "<testsuite>"+secrets.Redacted+"</testsuite>\n")

	var out, errOut bytes.Buffer
	if code := run([]string{"-artifacts", root}, &out, &errOut); code != 0 {
		t.Fatalf("clean folder: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "no credential leak") {
		t.Errorf("clean folder: %s", out.String())
	}

	mustWrite("ginkgo-output.log", "a\nb\n  token "+tok+"\n")
	out.Reset()
	errOut.Reset()
	if code := run([]string{"-artifacts", root}, &out, &errOut); code != 1 {
		t.Fatalf("leak: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	want := "credential leak: " + filepath.Join(root, "ginkgo-output.log") + ":3: token sha256:" + secrets.Hash([]byte(tok))[:12] + "… (minted during this run)"
	if !strings.Contains(errOut.String(), want) {
		t.Errorf("want %q in\n%s", want, errOut.String())
	}
	if strings.Contains(errOut.String()+out.String(), tok[len(tok)-20:]) {
		t.Error("the scan printed the token")
	}

	if code := run(nil, &out, &errOut); code != 2 && os.Getenv("ARTIFACTS") == "" {
		t.Errorf("no -artifacts: exit %d, want 2", code)
	}
}

func TestRunWithNothingTracked(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-artifacts", t.TempDir()}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "nothing to look for") {
		t.Errorf("exit %d: %s%s", code, out.String(), errOut.String())
	}
}
