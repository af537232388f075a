package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"rbac-e2e/e2e/framework/matrix"
)

// Object is one document of a manifest file.
type Object struct {
	*unstructured.Unstructured
	Source string // file:line of the document
}

// Describe reads like "ClusterRole sample-cluster-role" or
// "ServiceAccount default/sample".
func (o Object) Describe() string {
	if ns := o.GetNamespace(); ns != "" {
		return o.GetKind() + " " + ns + "/" + o.GetName()
	}
	return o.GetKind() + " " + o.GetName()
}

func (o Object) key() string {
	return o.GroupVersionKind().GroupKind().String() + "/" + o.GetNamespace() + "/" + o.GetName()
}

// Load reads every *.yaml and *.yml file of dir (relative to root unless
// absolute), each possibly holding several documents. Errors name the file
// and the line of the document.
func Load(root, dir string) ([]Object, error) {
	full := dir
	if !filepath.IsAbs(dir) {
		full = filepath.Join(root, dir)
	}
	entries, err := os.ReadDir(full)
	if err != nil {
		return nil, fmt.Errorf("manifests folder: %w", err)
	}
	var objs []Object
	var errs []error
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(full, e.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		o, err := Parse(filepath.Join(dir, e.Name()), data)
		objs = append(objs, o...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	seen := map[string]string{}
	for _, o := range objs {
		if first, dup := seen[o.key()]; dup {
			errs = append(errs, fmt.Errorf("%s: %s is already defined at %s", o.Source, o.Describe(), first))
		}
		seen[o.key()] = o.Source
	}
	if len(objs) == 0 && len(errs) == 0 {
		return nil, fmt.Errorf("manifests folder %s has no objects in *.yaml files", dir)
	}
	return objs, errors.Join(errs...)
}

// Parse reads the documents of one manifest file.
func Parse(file string, data []byte) ([]Object, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var objs []Object
	var errs []error
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return objs, errors.Join(append(errs, matrix.SyntaxError(file, data, err))...)
		}
		if len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
			continue // an empty document, such as after a trailing ---
		}
		src := fmt.Sprintf("%s:%d", file, doc.Content[0].Line)
		var m map[string]any
		if err := doc.Decode(&m); err != nil {
			errs = append(errs, fmt.Errorf("%s: want a Kubernetes object (a mapping): %v", src, err))
			continue
		}
		u := &unstructured.Unstructured{Object: jsonCompatible(m).(map[string]any)}
		var missing []string
		if u.GetAPIVersion() == "" {
			missing = append(missing, "apiVersion")
		}
		if u.GetKind() == "" {
			missing = append(missing, "kind")
		}
		if u.GetName() == "" {
			missing = append(missing, "metadata.name")
		}
		if len(missing) > 0 {
			errs = append(errs, fmt.Errorf("%s: the object has no %s", src, strings.Join(missing, ", ")))
			continue
		}
		if u.GetGenerateName() != "" {
			errs = append(errs, fmt.Errorf("%s: metadata.generateName: server-side apply needs a fixed name", src))
			continue
		}
		objs = append(objs, Object{Unstructured: u, Source: src})
	}
	return objs, errors.Join(errs...)
}

// jsonCompatible turns YAML numbers and nested maps into the types
// unstructured objects hold (int64, float64, map[string]any).
func jsonCompatible(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = jsonCompatible(e)
		}
		return t
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[fmt.Sprint(k)] = jsonCompatible(e)
		}
		return out
	case []any:
		for i, e := range t {
			t[i] = jsonCompatible(e)
		}
		return t
	case int:
		return int64(t)
	}
	return v
}
