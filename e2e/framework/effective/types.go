package effective

import (
	"rbac-e2e/e2e/framework/matrix"
)

// Permission is one thing a subject may or may not do: a verb on a resource
// (optionally one object of it) in a scope, or a verb on a non-resource URL.
type Permission struct {
	Verb        string
	Group       string // API group; "" is the core group
	Version     string // the version a snapshot names the resource by; not part of Key
	Resource    string // "" for a non-resource URL
	Subresource string
	Name        string // one object (a resourceNames entry); "" is any object
	Namespace   string // "" is cluster scope
	URL         string // a non-resource URL such as /metrics
}

// Access is one subject's effective access: every permission the API server
// allows it, sorted, without duplicates.
type Access struct {
	Subject matrix.Subject
	Allowed []Permission
}

// Snapshot is the effective access of several subjects, sorted by subject key.
type Snapshot []Access

// SubjectDiff is how one subject's effective access changed from a base to a head.
type SubjectDiff struct {
	Subject      matrix.Subject
	Gained, Lost []Permission
}
