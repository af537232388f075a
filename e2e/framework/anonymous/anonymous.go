package anonymous

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// Mode is what the apiserver makes of a request without credentials.
type Mode int

const (
	// Unknown: it could not be determined (a managed control plane, a file
	// out of reach).
	Unknown Mode = iota
	// Anonymous: the request authenticates as system:anonymous and RBAC
	// decides (403 without a grant).
	Anonymous
	// Refused: no authenticator accepts it: 401 Unauthorized.
	Refused
)

func (m Mode) String() string {
	switch m {
	case Anonymous:
		return "anonymous (system:anonymous, RBAC decides)"
	case Refused:
		return "refused (401 Unauthorized)"
	}
	return "unknown"
}

// Decision is a Mode and how it was learned (or why it could not be).
type Decision struct {
	Mode Mode
	Why  string
}

// Flags are the kube-apiserver settings that decide anonymous authentication.
type Flags struct {
	// AnonymousAuth is --anonymous-auth; nil when not given (the default is true).
	AnonymousAuth *bool
	// AuthenticationConfig is --authentication-config's file; "" when not given.
	AuthenticationConfig string
}

// ParseFlags reads the settings from a kube-apiserver command line (the
// container's command followed by its args), as pflag does: the last
// occurrence wins, a bool flag without "=value" is true, a string flag takes
// "=value" or the next argument.
func ParseFlags(cmdline []string) (Flags, error) {
	var f Flags
	for i := 0; i < len(cmdline); i++ {
		name, value, hasValue := strings.Cut(cmdline[i], "=")
		switch name {
		case "--anonymous-auth":
			b := true
			if hasValue {
				var err error
				if b, err = strconv.ParseBool(value); err != nil {
					return Flags{}, fmt.Errorf("%s: %w", cmdline[i], err)
				}
			}
			f.AnonymousAuth = &b
		case "--authentication-config":
			if !hasValue {
				if i+1 == len(cmdline) {
					return Flags{}, fmt.Errorf("--authentication-config has no value")
				}
				i++
				value = cmdline[i]
			}
			f.AuthenticationConfig = value
		}
	}
	return f, nil
}

// Config is the anonymous section of an AuthenticationConfiguration
// (apiserver.config.k8s.io; KEP-4633).
type Config struct {
	Enabled    bool        `json:"enabled"`
	Conditions []Condition `json:"conditions,omitempty"`
}

// Condition is one path anonymous authentication is limited to.
type Condition struct {
	Path string `json:"path"`
}

// ParseAuthenticationConfig reads an AuthenticationConfiguration file (YAML
// or JSON) and returns its anonymous section, nil when it has none (then
// --anonymous-auth decides).
func ParseAuthenticationConfig(data []byte) (*Config, error) {
	var doc struct {
		APIVersion string  `json:"apiVersion"`
		Kind       string  `json:"kind"`
		Anonymous  *Config `json:"anonymous"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not an AuthenticationConfiguration: %w", err)
	}
	if doc.Kind != "AuthenticationConfiguration" || !strings.HasPrefix(doc.APIVersion, "apiserver.config.k8s.io/") {
		return nil, fmt.Errorf("not an AuthenticationConfiguration: kind %q apiVersion %q", doc.Kind, doc.APIVersion)
	}
	return doc.Anonymous, nil
}

// Decide tells what a request for path without credentials gets, from the
// flags and the anonymous section of the file --authentication-config
// names (nil when there is no file or the file has no such section). The
// anonymous authenticator compares the request's path exactly with each
// condition; with no conditions it takes every request.
func Decide(flags Flags, file *Config, path string) Decision {
	if file != nil {
		src := "the anonymous section of " + flags.AuthenticationConfig
		switch {
		case !file.Enabled:
			return Decision{Refused, src + " disables it"}
		case len(file.Conditions) == 0:
			return Decision{Anonymous, src + " enables it for every path"}
		}
		var paths []string
		for _, c := range file.Conditions {
			paths = append(paths, c.Path)
		}
		if slices.Contains(paths, path) {
			return Decision{Anonymous, fmt.Sprintf("%s enables it for %s", src, path)}
		}
		return Decision{Refused, fmt.Sprintf("%s enables it only for %s, not for %s", src, strings.Join(paths, ", "), path)}
	}
	if flags.AnonymousAuth == nil {
		return Decision{Anonymous, "no --anonymous-auth flag (default true) and no anonymous section in an authentication config"}
	}
	if *flags.AnonymousAuth {
		return Decision{Anonymous, "--anonymous-auth=true"}
	}
	return Decision{Refused, "--anonymous-auth=false"}
}
