package matrix

import (
	"fmt"
	"strings"
)

// checkURL rejects what a urls: row cannot hold: a path the API server
// takes as a resource request (it would be sent as written, without dry
// run: DELETE /api/v1/namespaces/x deletes), a query or fragment, and
// segments the server would not match as written.
func checkURL(u string) error {
	if !strings.HasPrefix(u, "/") {
		return fmt.Errorf("want a path starting with /, got %q", u)
	}
	if strings.ContainsAny(u, "?#") {
		return fmt.Errorf("want a path without query or fragment, got %q", u)
	}
	segs := strings.Split(strings.TrimSuffix(u[1:], "/"), "/")
	for _, s := range segs {
		if (s == "" && u != "/") || s == "." || s == ".." {
			return fmt.Errorf("want a clean path (no empty, . or .. segments), got %q", u)
		}
	}
	if form, ok := resourceForm(segs); ok {
		return fmt.Errorf("%q is a resource path; write it as %s", u, form)
	}
	return nil
}

// resourceForm tells whether the API server takes a path (split into
// segments) as a resource request, the way k8s.io/apiserver's
// RequestInfoFactory does, and if so the row fields that ask it. Discovery
// paths (/api, /api/v1, /apis, /apis/apps, /apis/apps/v1) stay non-resource
// URLs: the authorizer sees them as such (system:discovery grants them).
func resourceForm(segs []string) (string, bool) {
	if len(segs) < 3 {
		return "", false
	}
	var group string
	rest := segs[1:]
	switch segs[0] {
	case "api":
	case "apis":
		if len(rest) < 3 {
			return "", false
		}
		group, rest = rest[0], rest[1:]
	default:
		return "", false
	}
	version, rest := rest[0], rest[1:]
	var extra []string
	if len(rest) > 0 && rest[0] == "watch" {
		extra = append(extra, "verbs: watch")
		rest = rest[1:]
	}
	namespace := ""
	if len(rest) > 1 && rest[0] == "namespaces" {
		namespace = rest[1]
		if len(rest) > 2 && rest[2] != "status" && rest[2] != "finalize" {
			rest = rest[2:]
		} else {
			namespace = "" // the Namespace object itself
		}
	}
	if len(rest) == 0 {
		return "a resources: row (group/version/resource)", true
	}
	gvr := version + "/" + rest[0]
	if group != "" {
		gvr = group + "/" + gvr
	}
	if namespace != "" {
		extra = append(extra, "namespaces: "+namespace)
	}
	if len(rest) > 1 {
		extra = append(extra, "name: "+rest[1])
	}
	if len(rest) > 2 {
		extra = append(extra, "subresource: "+rest[2])
	}
	form := "resources: " + gvr
	if len(extra) > 0 {
		form += " with " + strings.Join(extra, ", ")
	}
	return form, true
}
