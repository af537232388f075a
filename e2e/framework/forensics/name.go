package forensics

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

// Spec names the spec whose objects are written.
type Spec struct {
	// FullText is the container texts and the It's: the spec's identity.
	FullText string
	// LeafText is the It's text, for the folder's readable part.
	LeafText string
	Labels   []string
}

// ID is a short hash of the spec's full text: the value of the per-spec label
// and the tail of its folder's name.
func (s Spec) ID() string {
	sum := sha256.Sum256([]byte(s.FullText))
	return hex.EncodeToString(sum[:])[:10]
}

var (
	scenarioID = regexp.MustCompile(`^[A-Z]+-[0-9]+$`)
	notSlug    = regexp.MustCompile(`[^a-z0-9]+`)
)

const slugMax = 40

// DirName is a short, safe folder name, unique per spec:
// "<scenario ID>-<slug of the It's text>-<ID>", e.g.
// "AUTHZ-2-a-role-grants-only-its-verbs-3f1c09ab2e". The scenario ID is the
// spec's first label that looks like one; without one the name starts with
// the slug.
func (s Spec) DirName() string {
	var parts []string
	id := ""
	for _, l := range s.Labels {
		if scenarioID.MatchString(l) {
			id = l
			parts = append(parts, l)
			break
		}
	}
	text := s.LeafText
	if text == "" {
		text = s.FullText
	}
	// The It's text usually starts with its ID ("AUTHZ-2: …"): once is enough.
	if id != "" {
		text = strings.TrimPrefix(strings.TrimSpace(text), id+":")
	}
	if slug := slug(text); slug != "" {
		parts = append(parts, slug)
	}
	return strings.Join(append(parts, s.ID()), "-")
}

func slug(text string) string {
	s := strings.Trim(notSlug.ReplaceAllString(strings.ToLower(text), "-"), "-")
	if len(s) <= slugMax {
		return s
	}
	s = s[:slugMax]
	if i := strings.LastIndex(s, "-"); i > slugMax/2 {
		s = s[:i]
	}
	return strings.Trim(s, "-")
}
