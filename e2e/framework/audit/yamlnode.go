package audit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The YAML node helpers of the allow-list, after the matrix package's.

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func (p *allowParser) mapping(n *yaml.Node, field string, allowed []string) (map[string]*yaml.Node, bool) {
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

func (p *allowParser) scalar(n *yaml.Node, field string) (string, bool) {
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

type item struct {
	value string
	node  *yaml.Node
	field string
}

// list accepts one string or a list of strings.
func (p *allowParser) list(n *yaml.Node, field string) []item {
	n = deref(n)
	if n.Kind == yaml.ScalarNode {
		if v, ok := p.scalar(n, field); ok {
			return []item{{v, n, field}}
		}
		return nil
	}
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.fail(n, field, "want a string or a list of strings, got %s", describe(n))
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

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			return "an empty list"
		}
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
