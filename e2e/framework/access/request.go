package access

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

// Verbs are the Kubernetes API verbs a Request may carry, in the order people
// read them: the suite's one list of them (matrix, report and effective
// derive theirs from it).
var Verbs = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}

// Request is one API request: a verb on a resource (or on a non-resource URL).
type Request struct {
	Verb        string
	Resource    schema.GroupVersionResource
	Subresource string
	Namespace   string // "" is cluster scope (or all namespaces for a namespaced list)
	Name        string
	Body        []byte          // JSON, for create, update and patch
	PatchType   types.PatchType // for patch; merge patch when empty
	URL         string          // a non-resource URL such as /api or /metrics; Resource is then empty
	DryRun      bool            // dryRun=All on create, update, patch, delete, deletecollection: the server persists nothing
}

// On returns a request of verb on a resource, cluster-wide until In is called.
func On(verb, group, version, resource string) Request {
	return Request{Verb: verb, Resource: schema.GroupVersionResource{Group: group, Version: version, Resource: resource}}
}

// Get is a GET of a non-resource URL such as /api, /healthz or /metrics.
func Get(url string) Request { return Request{Verb: "get", URL: url} }

// In scopes the request to a namespace.
func (r Request) In(namespace string) Request { r.Namespace = namespace; return r }

// Named targets one object.
func (r Request) Named(name string) Request { r.Name = name; return r }

// Sub targets a subresource of the named object.
func (r Request) Sub(subresource string) Request { r.Subresource = subresource; return r }

// WithBody sets the JSON body of a create, update or patch.
func (r Request) WithBody(body []byte) Request { r.Body = body; return r }

// IsResource tells a resource request from a non-resource URL.
func (r Request) IsResource() bool { return r.URL == "" }

// Method is the HTTP method that carries the verb.
func (r Request) Method() string {
	switch r.Verb {
	case "create":
		return http.MethodPost
	case "update":
		return http.MethodPut
	case "patch":
		return http.MethodPatch
	case "delete", "deletecollection":
		return http.MethodDelete
	case "get", "list", "watch":
		return http.MethodGet
	}
	return strings.ToUpper(r.Verb) // non-resource URLs may carry HTTP verbs
}

// Path is the URL path of the request; the query is in Query.
func (r Request) Path() string {
	if !r.IsResource() {
		return r.URL
	}
	p := "/apis/" + r.Resource.Group + "/" + r.Resource.Version
	if r.Resource.Group == "" {
		p = "/api/" + r.Resource.Version
	}
	if r.Namespace != "" {
		p += "/namespaces/" + r.Namespace
	}
	if r.onCollection() {
		return path.Join(p, r.Resource.Resource)
	}
	return path.Join(p, r.Resource.Resource, r.Name, r.Subresource)
}

// onCollection tells verbs that act on the collection: their path has no
// name (create takes it from the body; list, watch and deletecollection
// select it with a field selector).
func (r Request) onCollection() bool {
	switch r.Verb {
	case "create", "list", "watch", "deletecollection":
		return r.Subresource == ""
	}
	return false
}

// fieldSelector narrows a collection verb to the named object.
func (r Request) fieldSelector() string {
	if r.Name == "" || !r.onCollection() || r.Verb == "create" {
		return ""
	}
	return "metadata.name=" + r.Name
}

// Query is the request's query string.
func (r Request) Query() url.Values {
	q := url.Values{}
	if fs := r.fieldSelector(); fs != "" {
		q.Set("fieldSelector", fs)
	}
	if r.DryRun {
		q.Set("dryRun", "All")
	}
	if r.Verb == "watch" {
		q.Set("watch", "true")
		q.Set("timeoutSeconds", "1")
	}
	return q
}

// Target reads like "list pods in namespace ns-1" or "get /metrics".
func (r Request) Target() string {
	if !r.IsResource() {
		return r.Verb + " " + r.URL
	}
	t := r.Verb + " " + r.Resource.Resource
	if r.Resource.Group != "" {
		t += "." + r.Resource.Group
	}
	if r.Subresource != "" {
		t += "/" + r.Subresource
	}
	if r.Name != "" {
		t += " " + r.Name
	}
	if r.Namespace != "" {
		return t + " in namespace " + r.Namespace
	}
	return t + " at cluster scope"
}

// String is Target with the HTTP request that carries it:
// "list pods in namespace ns-1 (GET /api/v1/namespaces/ns-1/pods)".
func (r Request) String() string {
	u := r.Path()
	if q := r.Query().Encode(); q != "" {
		u += "?" + q
	}
	return fmt.Sprintf("%s (%s %s)", r.Target(), r.Method(), u)
}

func (r Request) patchType() types.PatchType {
	if r.PatchType == "" {
		return types.MergePatchType
	}
	return r.PatchType
}

func (r Request) contentType() string {
	if r.Verb == "patch" {
		return string(r.patchType())
	}
	return "application/json"
}
