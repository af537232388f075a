package secrets

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
)

// Redacted is what stands where a credential was.
const Redacted = "[REDACTED]"

var (
	// jwt matches anything shaped like a JSON Web Token (three base64url
	// parts, the first two JSON objects).
	jwt = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)
	// jwtBase64 is a JWT in standard base64 (a Secret's data as the API
	// serves it): base64("eyJ") is "ZXlK".
	jwtBase64 = regexp.MustCompile(`ZXlK[A-Za-z0-9+/]{20,}={0,2}`)
	// pemKey is a PEM private key, with real or escaped (\n) line breaks;
	// pemKeyCut is one whose end was cut off.
	pemKey    = regexp.MustCompile(`(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?-----END [A-Z0-9 ]*PRIVATE KEY-----`)
	pemKeyCut = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:\\n|\s|[A-Za-z0-9+/=:,-])*`)
	// keyValue is "name: value", "name=value" or "name":"value" for a
	// credential's field name, in YAML, Go's %+v, JSON or a command line.
	// A name that ends a file path (".../serviceaccount/token: no such
	// file") is not a field name.
	keyValue = regexp.MustCompile(`(?i)((?:^|[^A-Za-z0-9_/-])"?(?:token|access_token|id_token|refresh_token|bearer_?token|client-key-data|client_key_data|password)"?\s*[:=]\s*"?)([^\s"',}\[\]]+)`)
	// bearer is an Authorization header's credential.
	bearer = regexp.MustCompile(`(?i)(bearer\s+)([A-Za-z0-9._~+/-]{8,}=*)`)
)

// sensitiveKeys are JSON fields whose string value is a credential wherever
// they appear (kubeconfigs, TokenRequest and TokenReview bodies, OAuth answers).
var sensitiveKeys = map[string]bool{
	"token": true, "access_token": true, "id_token": true, "refresh_token": true,
	"bearertoken": true, "bearer_token": true, "client-key-data": true, "password": true,
}

// Redact returns b with every credential replaced by Redacted, and tracks
// (see Track) the tokens and values it takes out: what needed redacting here
// must not turn up unredacted anywhere else. A JSON body
// is decoded and re-encoded compactly with the credentials replaced (kind,
// apiVersion and metadata kept), and only when something was replaced; any
// other text, and every line of JSON-lines or mixed output that is not JSON,
// goes through patterns.
func Redact(b []byte) []byte {
	if out, ok := redactJSON(b); ok {
		return out
	}
	// Keys span lines: take them out before going line by line.
	b = redactKeys(b)
	if !bytes.Contains(b, []byte("\n")) {
		return redactText(b)
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	for i, l := range lines {
		if out, ok := redactJSON(l); ok {
			if bytes.HasSuffix(l, []byte("\n")) && !bytes.HasSuffix(out, []byte("\n")) {
				out = append(out, '\n')
			}
			lines[i] = out
		} else {
			lines[i] = redactText(l)
		}
	}
	return bytes.Join(lines, nil)
}

// RedactString is Redact for a string.
func RedactString(s string) string { return string(Redact([]byte(s))) }

func redactKeys(b []byte) []byte {
	b = pemKey.ReplaceAll(b, []byte(Redacted))
	return pemKeyCut.ReplaceAll(b, []byte(Redacted))
}

func redactText(b []byte) []byte {
	b = redactKeys(b)
	TrackIn(b)
	b = jwt.ReplaceAll(b, []byte(Redacted))
	b = jwtBase64.ReplaceAll(b, []byte(Redacted))
	b = keyValue.ReplaceAll(b, []byte("${1}"+Redacted))
	return bearer.ReplaceAll(b, []byte("${1}"+Redacted))
}

// redactJSON redacts a body that is one JSON object or array; ok is false
// when it is not.
func redactJSON(b []byte) (_ []byte, ok bool) {
	t := bytes.TrimSpace(b)
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(t))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil || dec.More() {
		return nil, false
	}
	if _, err := dec.Token(); err == nil { // trailing data after the value
		return nil, false
	}
	changed := false
	v = redactValue(v, &changed)
	if !changed {
		return b, true
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return nil, false
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), true
}

func redactValue(v any, changed *bool) any {
	switch v := v.(type) {
	case map[string]any:
		redactObject(v, changed)
		return v
	case []any:
		for i := range v {
			v[i] = redactValue(v[i], changed)
		}
		return v
	case string:
		if r := string(redactText([]byte(v))); r != v {
			*changed = true
			return r
		}
		return v
	}
	return v
}

func redactObject(o map[string]any, changed *bool) {
	kind, _ := o["kind"].(string)
	if isSecret(o, kind) {
		for _, field := range []string{"data", "stringData"} {
			if m, ok := o[field].(map[string]any); ok {
				for k, val := range m {
					if s, ok := val.(string); ok && s != Redacted {
						trackData(field, s)
					}
					m[k] = Redacted
					*changed = true
				}
			}
		}
	}
	if kind == "SecretList" {
		if items, ok := o["items"].([]any); ok {
			for _, it := range items {
				if m, ok := it.(map[string]any); ok {
					m["kind"] = "Secret"
					redactObject(m, changed)
					delete(m, "kind")
				}
			}
		}
	}
	for k, val := range o {
		if s, ok := val.(string); ok && s != "" && s != Redacted && sensitiveKeys[strings.ToLower(k)] {
			Track(s)
			o[k] = Redacted
			*changed = true
			continue
		}
		o[k] = redactValue(val, changed)
	}
}

// trackData tracks a Secret's value: data holds base64, stringData plain text.
func trackData(field, s string) {
	if field == "data" {
		if dec, err := base64.StdEncoding.DecodeString(s); err == nil {
			s = string(dec)
		}
	}
	Track(s)
}

// isSecret tells a Secret: by its kind, or, for one client-go decoded (no
// kind), by metadata, data or stringData, and a type (ConfigMaps have none).
func isSecret(o map[string]any, kind string) bool {
	if kind == "Secret" {
		return true
	}
	if kind != "" {
		return false
	}
	_, meta := o["metadata"]
	_, typ := o["type"].(string)
	_, data := o["data"]
	_, stringData := o["stringData"]
	return meta && typ && (data || stringData)
}
