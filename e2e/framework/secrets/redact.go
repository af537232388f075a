// Package secrets keeps credentials out of everything the suite prints or
// writes: it redacts bodies and strings before they are stored, and scans
// what a run wrote for the tokens it minted or read.
package secrets

import "regexp"

// jwt matches anything shaped like a JSON Web Token (three base64url parts,
// the first two JSON objects).
var jwt = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)

// Redacted is what stands where a credential was.
const Redacted = "[REDACTED]"

// Redact returns b with every credential replaced by Redacted.
func Redact(b []byte) []byte { return jwt.ReplaceAll(b, []byte(Redacted)) }

// RedactString is Redact for a string.
func RedactString(s string) string { return string(Redact([]byte(s))) }
