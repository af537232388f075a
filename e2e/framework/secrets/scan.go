package secrets

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// MinCandidate is the shortest run of base64 characters the scan hashes:
// shorter runs are everywhere (names, hashes of 12 digits) and no token
// part is that short.
const MinCandidate = 20

var (
	urlRun = regexp.MustCompile(`[A-Za-z0-9_-]{20,}`)
	stdRun = regexp.MustCompile(`[A-Za-z0-9+/]{20,}={0,2}`)
)

// decodeMin is the shortest standard-base64 run the scan also decodes, to
// find a credential inside (a Secret's data, a kubeconfig's
// client-key-data): a token is hundreds of characters.
const decodeMin = 64

// Leak is a tracked credential found where it must not be.
type Leak struct {
	Where string // a file, or a part of the Ginkgo report
	Line  int    // 1-based, within Where
	Match Match
}

func (l Leak) String() string {
	return fmt.Sprintf("credential leak: %s:%d: %s", l.Where, l.Line, l.Match)
}

// ScanText looks for tracked credentials in text, line by line.
func (k Known) ScanText(where string, text []byte) []Leak {
	var leaks []Leak
	n := 0
	for len(text) > 0 {
		n++
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		if m, ok := k.scanLine(line, true); ok {
			leaks = append(leaks, Leak{Where: where, Line: n, Match: m})
		}
	}
	return leaks
}

// scanLine hashes every candidate of one line: JWT-shaped strings and
// their signature segments, and runs of base64 (URL or standard alphabet);
// with decode, long standard-base64 runs are decoded and scanned too.
func (k Known) scanLine(line []byte, decode bool) (Match, bool) {
	if len(k) == 0 || len(line) < MinCandidate {
		return Match{}, false
	}
	for _, tok := range jwt.FindAll(line, -1) {
		if m, ok := k[Hash(tok)]; ok {
			return m, true
		}
		if i := bytes.LastIndexByte(tok, '.'); i >= 0 {
			if m, ok := k[Hash(tok[i+1:])]; ok {
				return m, true
			}
		}
	}
	for _, run := range urlRun.FindAll(line, -1) {
		if m, ok := k[Hash(run)]; ok {
			return m, true
		}
	}
	for _, run := range stdRun.FindAll(line, -1) {
		if m, ok := k[Hash(run)]; ok {
			return m, true
		}
		if !decode || len(run) < decodeMin {
			continue
		}
		dec, err := base64.StdEncoding.DecodeString(string(run))
		if err != nil {
			dec, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(string(run), "="))
		}
		if err != nil {
			continue
		}
		for _, l := range bytes.Split(dec, []byte("\n")) {
			if m, ok := k.scanLine(bytes.TrimSpace(l), false); ok {
				return m, true
			}
		}
	}
	return Match{}, false
}

// Text is one piece of output to scan, named for the leak message.
type Text struct {
	Where string
	Body  string
}

// ScanTexts scans each text.
func (k Known) ScanTexts(texts []Text) []Leak {
	var leaks []Leak
	for _, t := range texts {
		leaks = append(leaks, k.ScanText(t.Where, []byte(t.Body))...)
	}
	return leaks
}

// DirStats is how much a directory scan read.
type DirStats struct {
	Files int
	Bytes int64
}

// ScanDir scans every regular file under root (gzip files decompressed),
// except the hash folder (HashesDir, at any depth).
func (k Known) ScanDir(root string) ([]Leak, DirStats, error) {
	var leaks []Leak
	var st DirStats
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && path != root {
				return nil // removed while walking
			}
			return err
		}
		if d.IsDir() && d.Name() == HashesDir {
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() {
			return nil
		}
		found, n, err := k.scanFile(path)
		if err != nil {
			return err
		}
		st.Files++
		st.Bytes += n
		leaks = append(leaks, found...)
		return nil
	})
	if err != nil {
		return leaks, st, fmt.Errorf("scanning %s for credentials: %w", root, err)
	}
	return leaks, st, nil
}

func (k Known) scanFile(path string) ([]Leak, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		if gz, err := gzip.NewReader(f); err == nil {
			defer gz.Close()
			r = gz
		} else if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, 0, err
		}
	}
	br := bufio.NewReaderSize(r, 1<<16)
	var leaks []Leak
	var total int64
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		total += int64(len(line))
		if m, ok := k.scanLine(line, true); ok {
			leaks = append(leaks, Leak{Where: path, Line: n, Match: m})
		}
		if err == io.EOF {
			return leaks, total, nil
		}
		if err != nil {
			return leaks, total, fmt.Errorf("%s: %w", path, err)
		}
	}
}
