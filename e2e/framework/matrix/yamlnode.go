package matrix

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	yamlv2 "go.yaml.in/yaml/v2"
	"go.yaml.in/yaml/v3"
)

// fileParser walks one file's YAML nodes and collects every problem, so a
// file with three mistakes reports three errors at once.
type fileParser struct {
	file string
	errs []error
}

func (p *fileParser) pos(n *yaml.Node, field string) Pos {
	return Pos{File: p.file, Line: n.Line, Field: field}
}

func (p *fileParser) fail(n *yaml.Node, field, format string, args ...any) {
	p.errs = append(p.errs, errorf(p.pos(n, field), format, args...))
}

// deref follows YAML aliases (*anchor) to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// mapping returns the values of a mapping by key, reporting keys that are
// not allowed and keys given twice.
func (p *fileParser) mapping(n *yaml.Node, field string, allowed []string) (map[string]*yaml.Node, bool) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		p.fail(n, field, "want a mapping with keys %s, got %s", strings.Join(allowed, ", "), describe(n))
		return nil, false
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		kf := join(field, k.Value)
		switch {
		case k.Kind != yaml.ScalarNode:
			p.fail(k, field, "want a key name, got %s", describe(k))
		case !slices.Contains(allowed, k.Value):
			p.fail(k, kf, "unknown key (want one of %s)", strings.Join(allowed, ", "))
		case out[k.Value] != nil:
			p.fail(k, kf, "given twice (first on line %d)", out[k.Value].Line)
		default:
			out[k.Value] = v
		}
	}
	return out, true
}

// scalar is a string value.
func (p *fileParser) scalar(n *yaml.Node, field string) (string, bool) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.fail(n, field, "want a string, got %s", describe(n))
		return "", false
	}
	if strings.TrimSpace(n.Value) == "" {
		p.fail(n, field, "must not be empty")
		return "", false
	}
	return n.Value, true
}

// item is one string of a scalar-or-list field, with where it was written.
type item struct {
	value string
	node  *yaml.Node
	field string
}

// list accepts one string or a list of strings ("verbs: get" or
// "verbs: [get, list]").
func (p *fileParser) list(n *yaml.Node, field string) []item {
	n = deref(n)
	if n.Kind == yaml.ScalarNode {
		if v, ok := p.scalar(n, field); ok {
			return []item{{v, n, field}}
		}
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.fail(n, field, "want a string or a list of strings, got %s", describe(n))
		return nil
	}
	if len(n.Content) == 0 {
		p.fail(n, field, "empty list: a row that expands to nothing checks nothing")
		return nil
	}
	var out []item
	for i, c := range n.Content {
		f := fmt.Sprintf("%s[%d]", field, i)
		if v, ok := p.scalar(c, f); ok {
			out = append(out, item{v, deref(c), f})
		}
	}
	return out
}

func (p *fileParser) boolean(n *yaml.Node, field string) (bool, bool) {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		b, err := strconv.ParseBool(n.Value)
		if err == nil {
			return b, true
		}
	}
	p.fail(n, field, "want true or false, got %s", describe(n))
	return false, false
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
	return "something else"
}

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parserProblems are the YAML parser's (not scanner's) messages: the
// libraries print their line counted from 0, the scanner's counted from 1.
var parserProblems = []string{
	"did not find expected <document start>", "did not find expected node content", "did not find expected key",
	"did not find expected '-' indicator", "did not find expected ',' or", "found incompatible YAML document", "found duplicate %",
}

// errorLine reads the 1-based line and the problem out of a YAML library
// error; line 1 when the library names none (it leaves out line 1).
func errorLine(err error) (int, string) {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return 1, strings.TrimPrefix(err.Error(), "yaml: ")
	}
	line, _ := strconv.Atoi(m[1])
	if slices.ContainsFunc(parserProblems, func(p string) bool { return strings.HasPrefix(m[2], p) }) {
		line++
	}
	return line, m[2]
}

// SyntaxError turns a YAML syntax error of data into one naming file and
// line. yaml/v3 (whose node API gives every other line number) reports
// where the broken block or bracket begins; yaml/v2 reports where the
// problem is. The error names the problem's line, and the beginning when it
// is elsewhere.
func SyntaxError(file string, data []byte, err error) *Error {
	begin, msg := errorLine(err)
	line := begin
	var v any
	if err2 := yamlv2.Unmarshal(data, &v); err2 != nil {
		line, _ = errorLine(err2)
	}
	if last := bytes.Count(bytes.TrimRight(data, "\n"), []byte("\n")) + 1; line > last {
		line = last // the problem is the end of the file
	}
	if begin < line {
		msg += fmt.Sprintf(" (in the block that begins on line %d)", begin)
	}
	return errorf(Pos{File: file, Line: line}, "malformed YAML: %s", msg)
}
