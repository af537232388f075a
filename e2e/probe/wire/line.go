package wire

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Line is one attempt the probe reports, printed as one JSON line.
type Line struct {
	Seq     int       `json:"seq"`
	Time    time.Time `json:"time"`
	Channel string    `json:"channel"` // ChannelClientGo, ChannelHTTP, ChannelFiles, ChannelEnv
	// Action is the API verb of a request ("list", "create", …), or what was
	// done otherwise: ActionInClusterConfig, ActionRead, ActionGetenv.
	Action string `json:"action"`
	// Target is the request's URL path, a file path or a variable name.
	Target  string `json:"target"`
	Code    int    `json:"code,omitempty"`    // HTTP status code; 0 when no response came back
	Reason  string `json:"reason,omitempty"`  // from a Status body
	Message string `json:"message,omitempty"` // from a Status body, or the error
	OK      bool   `json:"ok"`
	Count   *int   `json:"count,omitempty"` // items in a list
	// Value is what was read: a file's content (namespace), a variable, a
	// response body (healthz), the token's subject, the reviewed username.
	Value  string            `json:"value,omitempty"`
	Detail map[string]string `json:"detail,omitempty"`
}

// Actions other than API verbs.
const (
	ActionInClusterConfig = "in-cluster-config" // rest.InClusterConfig()
	ActionCredentials     = "credentials"       // loading the mounted token and ca.crt for net/http
	ActionRead            = "read"              // reading a mounted file
	ActionGetenv          = "getenv"            // reading a variable
)

// Detail keys.
const (
	DetailTokenHash       = "token_sha256_12"         // first 12 hex digits of the token's SHA-256
	DetailTokenSHA256     = "token_sha256"            // the whole SHA-256 of the token, for the credential scan
	DetailSignatureSHA256 = "token_signature_sha256"  // SHA-256 of the token's signature segment, likewise
	DetailSHA256          = "sha256"                  // of a file's content
	DetailIssuer          = "iss"                     // token claims
	DetailAudience        = "aud"                     //
	DetailNamespace       = "kubernetes.io/namespace" //
	DetailServiceAccount  = "kubernetes.io/serviceaccount"
	DetailPod             = "kubernetes.io/pod"
	DetailGroups          = "groups" // of a SelfSubjectReview, comma-separated
)

func (l Line) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s %s %s", l.Seq, l.Channel, l.Action, l.Target)
	if l.Code != 0 {
		fmt.Fprintf(&b, " → %d", l.Code)
	}
	if l.Reason != "" {
		fmt.Fprintf(&b, " reason %s", l.Reason)
	}
	if l.Message != "" {
		fmt.Fprintf(&b, " %q", l.Message)
	}
	if l.Count != nil {
		fmt.Fprintf(&b, " count=%d", *l.Count)
	}
	if l.Value != "" {
		fmt.Fprintf(&b, " value=%q", l.Value)
	}
	fmt.Fprintf(&b, " ok=%t", l.OK)
	return b.String()
}

// ParseLines reads the probe's output: the JSON lines in order, and every
// other line (a Go panic, the error of -exit-on-error) apart.
func ParseLines(out string) (lines []Line, other []string) {
	for _, s := range strings.Split(out, "\n") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		var l Line
		if strings.HasPrefix(s, "{") && json.Unmarshal([]byte(s), &l) == nil {
			lines = append(lines, l)
			continue
		}
		other = append(other, s)
	}
	return lines, other
}
