package matrix

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Load reads every *.yaml and *.yml file of dir, validates and expands
// them, and rejects checks that repeat one another. dir is taken relative to
// root unless it is absolute, and files are named as root-relative paths
// (fixtures/access/view.yaml) in errors and reports. All problems of all
// files come back at once, each naming file, line and field.
func Load(root, dir string) (*Matrix, error) {
	full := dir
	if !filepath.IsAbs(dir) {
		full = filepath.Join(root, dir)
	}
	entries, err := os.ReadDir(full)
	if err != nil {
		return nil, fmt.Errorf("access matrix folder: %w", err)
	}
	m := &Matrix{}
	var errs []error
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		name := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(filepath.Join(full, e.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		m.Files = append(m.Files, name)
		checks, fileErrs := parseFile(name, data)
		m.Checks = append(m.Checks, checks...)
		errs = append(errs, fileErrs...)
	}
	if len(m.Files) == 0 && len(errs) == 0 {
		return nil, fmt.Errorf("access matrix folder %s has no *.yaml files", dir)
	}
	errs = append(errs, duplicates(m.Checks)...)
	if len(errs) > 0 {
		return nil, joinSorted(errs)
	}
	return m, nil
}

// Parse reads one matrix file's content, named file in errors.
func Parse(file string, data []byte) (*Matrix, error) {
	checks, errs := parseFile(file, data)
	errs = append(errs, duplicates(checks)...)
	if len(errs) > 0 {
		return nil, joinSorted(errs)
	}
	return &Matrix{Files: []string{file}, Checks: checks}, nil
}

// duplicates reports checks that an earlier row already made, once per pair
// of rows however many checks they share.
func duplicates(checks []Check) []error {
	first := map[string]Check{}
	type pair struct{ a, b Pos }
	reported := map[pair]bool{}
	var errs []error
	for _, c := range checks {
		prev, ok := first[c.key()]
		if !ok {
			first[c.key()] = c
			continue
		}
		pr := pair{prev.Row, c.Row}
		if reported[pr] {
			continue
		}
		reported[pr] = true
		where := fmt.Sprintf("row %s (%s)", prev.Row, prev.Row.Field)
		if prev.Row == c.Row {
			where = "this same row"
		}
		msg := fmt.Sprintf("duplicate check after expansion: %s as %s is already made by %s", c.Target(), c.Subject, where)
		if prev.Allowed != c.Allowed {
			msg += fmt.Sprintf(", which says allowed: %t", prev.Allowed)
		}
		errs = append(errs, errorf(c.Row, "%s", msg))
	}
	return errs
}

// joinSorted orders errors by file and line, so they read top to bottom.
func joinSorted(errs []error) error {
	slices.SortStableFunc(errs, func(a, b error) int {
		var ea, eb *Error
		if !errors.As(a, &ea) || !errors.As(b, &eb) {
			return 0
		}
		if c := strings.Compare(ea.File, eb.File); c != 0 {
			return c
		}
		return ea.Line - eb.Line
	})
	return errors.Join(errs...)
}
