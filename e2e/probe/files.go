package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"

	"rbac-e2e/e2e/framework/identity"
	"rbac-e2e/e2e/framework/secrets"
	"rbac-e2e/e2e/probe/wire"
)

// reportFiles reports each mounted ServiceAccount file: whether it is there,
// the namespace it names, the token's claims (never the token), the CA's hash.
func reportFiles(out *reporter) {
	for _, path := range wire.MountedFiles {
		l := wire.Line{Channel: wire.ChannelFiles, Action: wire.ActionRead, Target: path}
		b, err := os.ReadFile(path)
		if err != nil {
			l.Message = err.Error()
			out.report(l)
			continue
		}
		l.OK = true
		sum := sha256.Sum256(b)
		switch path {
		case wire.NamespaceFile:
			l.Value = string(b)
		case wire.CAFile:
			l.Detail = map[string]string{wire.DetailSHA256: hex.EncodeToString(sum[:])}
		case wire.TokenFile:
			token := strings.TrimSpace(string(b))
			l.Detail = map[string]string{
				wire.DetailTokenHash:   hex.EncodeToString(sum[:])[:12],
				wire.DetailTokenSHA256: secrets.Hash([]byte(token)),
			}
			if i := strings.LastIndexByte(token, '.'); i >= 0 {
				l.Detail[wire.DetailSignatureSHA256] = secrets.Hash([]byte(token[i+1:]))
			}
			t, err := identity.ParseToken(token)
			if err != nil {
				l.OK, l.Message = false, err.Error()
				break
			}
			c := t.Claims
			l.Value = c.Subject
			l.Detail[wire.DetailIssuer] = c.Issuer
			l.Detail[wire.DetailAudience] = strings.Join(c.Audience, ",")
			if k := c.Kubernetes; k != nil {
				l.Detail[wire.DetailNamespace] = k.Namespace
				if k.ServiceAccount != nil {
					l.Detail[wire.DetailServiceAccount] = k.ServiceAccount.Name
				}
				if k.Pod != nil {
					l.Detail[wire.DetailPod] = k.Pod.Name
				}
			}
		}
		out.report(l)
	}
}

// reportEnv reports the variables through which a Pod finds the API server.
func reportEnv(out *reporter) {
	for _, name := range wire.EnvVars {
		v, ok := os.LookupEnv(name)
		out.report(wire.Line{Channel: wire.ChannelEnv, Action: wire.ActionGetenv, Target: name, Value: v, OK: ok})
	}
}

// mountedNamespace is the Pod's namespace as the mounted file says, or "".
func mountedNamespace() string {
	b, _ := os.ReadFile(wire.NamespaceFile)
	return strings.TrimSpace(string(b))
}
