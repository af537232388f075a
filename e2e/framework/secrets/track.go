package secrets

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// The registry is process-wide on purpose: tokens are minted and read in
// many packages (identity, the framework, specs, the probe's reports), and
// the one thing they share is that every credential passes through here on
// its way in. Passing a registry through every call would only add a
// parameter that can be forgotten; the scan needs all of them.
var registry = Known{}
var registryMu sync.Mutex

// Match is what a hash stands for: a part of a tracked credential.
type Match struct {
	Part string // PartToken, PartSignature, PartKeyLine or PartValue
	ID   string // the first 12 hex digits of the whole credential's SHA-256
}

// Parts of a tracked credential whose hashes are kept.
const (
	PartToken     = "token"     // a whole token
	PartSignature = "signature" // a JWT's signature segment
	PartKeyLine   = "key-line"  // one base64 line of a PEM private key
	PartValue     = "value"     // any other secret value
)

func (m Match) String() string {
	id := "sha256:" + m.ID + "…"
	switch m.Part {
	case PartToken:
		return "token " + id + " (minted during this run)"
	case PartSignature:
		return "signature of token " + id + " (minted during this run)"
	case PartKeyLine:
		return "part of private key " + id + " (read during this run)"
	default:
		return "secret value " + id + " (read during this run)"
	}
}

// Known maps the hex SHA-256 of each tracked part to what it is.
type Known map[string]Match

// Hash is the hex SHA-256 of s.
func Hash(s []byte) string {
	sum := sha256.Sum256(s)
	return hex.EncodeToString(sum[:])
}

// Track records a credential the run minted or read, so the scan can find
// it in anything written: a JWT by its whole and its signature segment, a
// PEM private key by each of its base64 lines, anything else as a whole.
// Values shorter than MinCandidate cannot be told apart in a scan and are
// not tracked.
func Track(v string) {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry.add(v)
}

// TrackIn tracks every JWT-shaped token in b, such as the answer to a
// TokenRequest.
func TrackIn(b []byte) {
	for _, t := range jwt.FindAll(b, -1) {
		Track(string(t))
	}
}

// TrackHashes records a token known only by hashes (such as the one mounted
// into a probe Pod, which the probe reports by hash): the hex SHA-256 of
// the whole token and of its signature segment ("" when unknown).
func TrackHashes(tokenSHA256, signatureSHA256 string) {
	registryMu.Lock()
	defer registryMu.Unlock()
	id := shortID(tokenSHA256)
	if tokenSHA256 != "" {
		registry[tokenSHA256] = Match{Part: PartToken, ID: id}
	}
	if signatureSHA256 != "" {
		registry[signatureSHA256] = Match{Part: PartSignature, ID: id}
	}
}

// Tracked is a copy of what this process has tracked.
func Tracked() Known {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := Known{}
	for h, m := range registry {
		out[h] = m
	}
	return out
}

func shortID(h string) string {
	if len(h) < 12 {
		return h
	}
	return h[:12]
}

func (k Known) add(v string) {
	v = strings.TrimSpace(v)
	if len(v) < MinCandidate {
		return
	}
	id := shortID(Hash([]byte(v)))
	if block, _ := pem.Decode([]byte(v)); block != nil {
		if !strings.Contains(block.Type, "PRIVATE KEY") {
			return // a certificate or public key: public, and everywhere
		}
		for _, line := range strings.Split(v, "\n") {
			line = strings.TrimSpace(line)
			if len(line) >= MinCandidate && !strings.HasPrefix(line, "-----") && !strings.Contains(line, ":") {
				k[Hash([]byte(line))] = Match{Part: PartKeyLine, ID: id}
			}
		}
		return
	}
	if parts := strings.Split(v, "."); len(parts) == 3 && jwt.MatchString(v) {
		k[Hash([]byte(v))] = Match{Part: PartToken, ID: id}
		if len(parts[2]) >= MinCandidate {
			k[Hash([]byte(parts[2]))] = Match{Part: PartSignature, ID: id}
		}
		return
	}
	k[Hash([]byte(v))] = Match{Part: PartValue, ID: id}
}

// HashesDir is where each process writes its hashes, under the artifacts
// folder; the scan skips it.
const HashesDir = ".credential-hashes"

// WriteHashes writes what this process tracked to dir/process-N: one line
// per hash, "<sha256> <part> <id>". It holds hashes only, never a value.
func WriteHashes(dir string, process int) error {
	k := Tracked()
	lines := make([]string, 0, len(k))
	for h, m := range k {
		lines = append(lines, h+" "+m.Part+" "+m.ID)
	}
	sort.Strings(lines)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("writing credential hashes: %w", err)
	}
	path := filepath.Join(dir, fmt.Sprintf("process-%d", process))
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		return fmt.Errorf("writing credential hashes: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing credential hashes: %w", err)
	}
	return nil
}

// LoadHashes reads every process's hash file in dir. A missing dir is no
// error: nothing was tracked.
func LoadHashes(dir string) (Known, error) {
	k := Known{}
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading credential hashes: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".tmp") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("reading credential hashes: %w", err)
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			fields := strings.Fields(sc.Text())
			if len(fields) == 0 {
				continue
			}
			if len(fields) != 3 || len(fields[0]) != sha256.Size*2 {
				f.Close()
				return nil, fmt.Errorf("reading credential hashes: %s:%d: want \"<sha256> <part> <id>\"", path, n)
			}
			k[fields[0]] = Match{Part: fields[1], ID: fields[2]}
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("reading credential hashes: %s: %w", path, err)
		}
	}
	return k, nil
}

// Merge adds other's hashes to k.
func (k Known) Merge(other Known) {
	for h, m := range other {
		k[h] = m
	}
}
