//go:build tools

// Package tools pins the CoreDNS server this module builds.
package tools

import _ "github.com/coredns/coredns"
