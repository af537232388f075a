// Package wire is what passes between the suite and the probe it runs in a
// Pod: the probe's arguments, the JSON lines it prints, and the requests it
// makes, so both sides describe them once.
package wire

import (
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Jobs the probe can run, in the order given on its command line.
const (
	JobFiles      = "files"      // the mounted ServiceAccount files and the token's claims
	JobEnv        = "env"        // the KUBERNETES_* variables the kubelet sets
	JobWhoAmI     = "whoami"     // a SelfSubjectReview through rest.InClusterConfig()
	JobHealthz    = "healthz"    // GET /healthz over plain net/http
	JobListPods   = "list-pods"  // list pods through each channel
	JobDeployment = "deployment" // create, get and delete a Deployment through each channel
)

// Jobs lists every job the probe knows.
var Jobs = []string{JobFiles, JobEnv, JobWhoAmI, JobHealthz, JobListPods, JobDeployment}

// Channels of the API requests made from the Pod.
const (
	ChannelClientGo = "client-go" // a typed clientset from rest.InClusterConfig()
	ChannelHTTP     = "http"      // plain net/http with the mounted token and ca.crt
	ChannelFiles    = "files"     // reading the mounted files
	ChannelEnv      = "env"       // reading the environment
)

// Args are the probe's command line.
type Args struct {
	Jobs []string
	// Namespace scopes list-pods ("" lists cluster-wide) and the Deployment
	// ("" is the Pod's own namespace, read from the mounted file).
	Namespace  string
	Deployment string
	Channels   []string // of ChannelClientGo, ChannelHTTP
	// Every repeats the jobs at this interval for at most For; zero runs them once.
	Every, For time.Duration
	// ExitOnError ends the probe with status 1 at the first request that
	// fails (Forbidden included), as the seed document's program does.
	ExitOnError bool
}

// DefaultDeployment is the name of the Deployment the probe sends.
const DefaultDeployment = "probe-deployment"

// Register binds the options to flags; the jobs are the positional arguments.
func (a *Args) Register(fs *flag.FlagSet) {
	a.Channels = []string{ChannelClientGo, ChannelHTTP}
	fs.StringVar(&a.Namespace, "namespace", "", `namespace of list-pods ("" lists cluster-wide) and of the Deployment ("" is the Pod's own)`)
	fs.StringVar(&a.Deployment, "deployment", DefaultDeployment, "name of the Deployment the deployment job creates, gets and deletes")
	fs.Func("channels", "comma-separated channels of API requests: client-go,http", func(v string) error {
		a.Channels = strings.Split(v, ",")
		for _, c := range a.Channels {
			if c != ChannelClientGo && c != ChannelHTTP {
				return fmt.Errorf("unknown channel %q (want %s or %s)", c, ChannelClientGo, ChannelHTTP)
			}
		}
		return nil
	})
	fs.DurationVar(&a.Every, "every", 0, "repeat the jobs at this interval (0: once)")
	fs.DurationVar(&a.For, "for", 0, "stop repeating after this long")
	fs.BoolVar(&a.ExitOnError, "exit-on-error", false, "exit with status 1 at the first failed request (Forbidden included)")
}

// Parse reads a command line into Args.
func Parse(name string, argv []string) (Args, error) {
	var a Args
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	a.Register(fs)
	if err := fs.Parse(argv); err != nil {
		return a, err
	}
	a.Jobs = fs.Args()
	if len(a.Jobs) == 0 {
		return a, fmt.Errorf("no job given (want some of %s)", strings.Join(Jobs, ", "))
	}
	for _, j := range a.Jobs {
		if !slices.Contains(Jobs, j) {
			return a, fmt.Errorf("unknown job %q (want some of %s)", j, strings.Join(Jobs, ", "))
		}
	}
	if a.Every < 0 || a.For < 0 || (a.Every > 0) != (a.For > 0) {
		return a, fmt.Errorf("-every and -for go together and must be positive (got %s and %s)", a.Every, a.For)
	}
	return a, nil
}

// Strings renders the arguments as a container command line.
func (a Args) Strings() []string {
	var out []string
	if a.Namespace != "" {
		out = append(out, "-namespace="+a.Namespace)
	}
	if a.Deployment != "" && a.Deployment != DefaultDeployment {
		out = append(out, "-deployment="+a.Deployment)
	}
	if len(a.Channels) > 0 {
		out = append(out, "-channels="+strings.Join(a.Channels, ","))
	}
	if a.Every > 0 {
		out = append(out, "-every="+a.Every.String(), "-for="+a.For.String())
	}
	if a.ExitOnError {
		out = append(out, "-exit-on-error")
	}
	return append(out, a.Jobs...)
}
