package effective

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"rbac-e2e/e2e/framework/matrix"
)

// FromMatrix is the snapshot an access matrix records: per subject, the
// permissions of its allowed checks (a denied row adds nothing, but its
// subject is there). Subjects are sorted by key; where they were named is
// dropped.
func FromMatrix(m *matrix.Matrix) Snapshot {
	var snap Snapshot
	for _, sc := range m.BySubject() {
		a := Access{Subject: sc.Subject}
		a.Subject.Pos = matrix.Pos{}
		for _, c := range sc.Checks {
			if !c.Allowed {
				continue
			}
			a.Allowed = append(a.Allowed, Permission{Verb: c.Verb, Group: c.Resource.Group, Version: c.Resource.Version,
				Resource: c.Resource.Resource, Subresource: c.Subresource, Name: c.Name, Namespace: c.Namespace, URL: c.URL})
		}
		a.Allowed = SortPermissions(a.Allowed)
		snap = append(snap, a)
	}
	return snap.sorted()
}

// sorted is a copy of the snapshot ordered by subject key.
func (s Snapshot) sorted() Snapshot {
	out := slices.Clone(s)
	slices.SortStableFunc(out, func(a, b Access) int { return strings.Compare(a.Subject.Key(), b.Subject.Key()) })
	return out
}

// Get is the access of the subject with that key.
func (s Snapshot) Get(key string) (Access, bool) {
	for _, a := range s {
		if a.Subject.Key() == key {
			return a, true
		}
	}
	return Access{}, false
}

// FileName is a subject's snapshot file: serviceaccount.<ns>.<name>.yaml,
// group.<group>.yaml (GroupMember) or user.<name>.yaml, with characters outside [A-Za-z0-9._@-] replaced by
// "_"; a subject with groups or a replaced character gets the first 8 hex
// digits of its key's SHA-256 too, so two subjects never share a file.
func FileName(s matrix.Subject) string {
	var base string
	lossy := false
	safe := func(v string) string {
		out := strings.Map(func(r rune) rune {
			switch {
			case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_', r == '@':
				return r
			}
			lossy = true
			return '_'
		}, v)
		if strings.HasPrefix(out, ".") {
			lossy = true
			out = "_" + out[1:]
		}
		return out
	}
	if s.IsServiceAccount() {
		ns, name := s.NamespaceName()
		base = "serviceaccount." + safe(ns) + "." + safe(name)
	} else if len(s.Groups) == 1 && s.User == GroupMemberPrefix+s.Groups[0] {
		base = "group." + safe(s.Groups[0])
	} else {
		base = "user." + safe(s.User)
		if len(s.Groups) > 0 {
			base += ".in." + safe(strings.Join(s.Groups, ","))
			lossy = true
		}
	}
	if lossy {
		sum := sha256.Sum256([]byte(s.Key()))
		base += "." + hex.EncodeToString(sum[:4])
	}
	return base + ".yaml"
}

// WriteSnapshot writes each subject's access to dir/FileName(subject) as
// MatrixYAML, creating dir, leaving a file alone when its bytes are already
// right, and removing the files of an earlier snapshot (SnapshotMarker on
// their first line) whose subjects are gone. Other files are never touched.
func WriteSnapshot(dir string, s Snapshot) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("snapshot folder: %w", err)
	}
	keep := map[string]bool{}
	var errs []error
	for _, a := range s.sorted() {
		name := FileName(a.Subject)
		if keep[name] {
			errs = append(errs, fmt.Errorf("%s is named twice in the snapshot", a.Subject))
			continue
		}
		keep[name] = true
		if err := writeIfChanged(filepath.Join(dir, name), a.MatrixYAML()); err != nil {
			errs = append(errs, err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, e := range entries {
		if e.IsDir() || keep[e.Name()] || filepath.Ext(e.Name()) != ".yaml" {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if bytes.HasPrefix(data, []byte(SnapshotMarker)) {
			if err := os.Remove(path); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// LoadSnapshot reads a snapshot folder WriteSnapshot wrote (or any access
// matrix folder: its allowed rows), validated as fixtures are.
func LoadSnapshot(dir string) (Snapshot, error) {
	m, err := matrix.Load("", dir)
	if err != nil {
		return nil, fmt.Errorf("access snapshot (make snapshot writes it): %w", err)
	}
	return FromMatrix(m), nil
}
