package matrix

import "go.yaml.in/yaml/v3"

// NodeParser reads the YAML nodes of a file written in the fixtures' style
// (a key one string or a list of strings, unknown keys refused) and collects
// every problem, each naming file, line and field. The access matrices and
// the audit's allow-list share it.
type NodeParser struct{ p fileParser }

// NewNodeParser reads nodes of file.
func NewNodeParser(file string) *NodeParser { return &NodeParser{fileParser{file: file}} }

// Item is one string of a List, with where it was written.
type Item struct {
	Value string
	Node  *yaml.Node
	Field string
}

// Mapping returns a mapping's values by key; unknown keys and keys given
// twice are problems.
func (n *NodeParser) Mapping(node *yaml.Node, field string, allowed []string) (map[string]*yaml.Node, bool) {
	return n.p.mapping(node, field, allowed)
}

// Scalar is a non-empty string.
func (n *NodeParser) Scalar(node *yaml.Node, field string) (string, bool) {
	return n.p.scalar(node, field)
}

// List accepts one string or a list of strings.
func (n *NodeParser) List(node *yaml.Node, field string) []Item {
	var out []Item
	for _, it := range n.p.list(node, field) {
		out = append(out, Item{Value: it.value, Node: it.node, Field: it.field})
	}
	return out
}

// Fail records a problem at node.
func (n *NodeParser) Fail(node *yaml.Node, field, format string, args ...any) {
	n.p.fail(node, field, format, args...)
}

// Errs are the problems so far, in the order they were found.
func (n *NodeParser) Errs() []error { return n.p.errs }

// Deref follows YAML aliases (*anchor) to the node they name.
func Deref(n *yaml.Node) *yaml.Node { return deref(n) }

// Describe says what a node is, for messages ("a list", `"x"`, "nothing").
func Describe(n *yaml.Node) string { return describe(n) }

// JoinField is the field path of key within field ("rows[2]" + "verbs").
func JoinField(field, key string) string { return join(field, key) }
