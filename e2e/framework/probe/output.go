package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/secrets"
	"rbac-e2e/e2e/probe/wire"
)

// Output is what a probe container printed: its JSON lines in order, and any
// other line (an error of -exit-on-error, a panic).
type Output struct {
	Lines []wire.Line
	Other []string
}

// Logs reads the output of the probe container's latest instance (the one
// that last ran, when it is waiting to restart).
func Logs(ctx context.Context, c kubernetes.Interface, namespace, pod string) (Output, error) {
	raw, err := c.CoreV1().Pods(namespace).GetLogs(pod, &corev1.PodLogOptions{Container: Container}).DoRaw(ctx)
	if err != nil {
		// The API server says why in the body (such as "container … is
		// waiting to start"); client-go's error does not.
		var st metav1.Status
		if json.Unmarshal(raw, &st) == nil && st.Message != "" {
			err = fmt.Errorf("%s", secrets.RedactString(st.Message))
		}
		return Output{}, fmt.Errorf("reading the logs of pod %s/%s: %w", namespace, pod, err)
	}
	return decode(raw), nil
}

// decode parses the probe's output for specs and failure messages: the
// mounted token's hashes go to the credential scan, and no text that ends
// up in a message can carry a credential (the probe redacts its own; a
// panic's text is not its own).
func decode(raw []byte) Output {
	var o Output
	o.Lines, o.Other = wire.ParseLines(string(raw))
	for i, l := range o.Lines {
		if l.Channel == wire.ChannelFiles && l.Target == wire.TokenFile {
			secrets.TrackHashes(l.Detail[wire.DetailTokenSHA256], l.Detail[wire.DetailSignatureSHA256])
		}
		o.Lines[i].Message, o.Lines[i].Value = secrets.RedactString(l.Message), secrets.RedactString(l.Value)
	}
	for i, s := range o.Other {
		o.Other[i] = secrets.RedactString(s)
	}
	return o
}

// Select returns the lines of a channel, action and target; "" matches any.
func (o Output) Select(channel, action, target string) []wire.Line {
	var out []wire.Line
	for _, l := range o.Lines {
		if (channel == "" || l.Channel == channel) && (action == "" || l.Action == action) && (target == "" || l.Target == target) {
			out = append(out, l)
		}
	}
	return out
}

// Last returns the most recent line of a channel, action and target.
func (o Output) Last(channel, action, target string) (wire.Line, bool) {
	ls := o.Select(channel, action, target)
	if len(ls) == 0 {
		return wire.Line{}, false
	}
	return ls[len(ls)-1], true
}

// Latest keeps only the most recent line of each channel, action and target.
func (o Output) Latest() Output {
	type key struct{ channel, action, target string }
	last := map[key]int{}
	for i, l := range o.Lines {
		last[key{l.Channel, l.Action, l.Target}] = i
	}
	var out Output
	for i, l := range o.Lines {
		if last[key{l.Channel, l.Action, l.Target}] == i {
			out.Lines = append(out.Lines, l)
		}
	}
	return out
}

// One returns the single line of a channel, action and target, or an error
// that shows the whole output.
func (o Output) One(channel, action, target string) (wire.Line, error) {
	ls := o.Select(channel, action, target)
	if len(ls) != 1 {
		return wire.Line{}, fmt.Errorf("want one %s %s %s line from the probe, found %d in:\n%s", channel, action, target, len(ls), o)
	}
	return ls[0], nil
}

// shownLines bounds the lines of output a failure message shows.
const shownLines = 16

// String is the output as lines, the last few only, for failure messages.
func (o Output) String() string {
	var all []string
	for _, l := range o.Lines {
		all = append(all, "    "+l.String())
	}
	for _, s := range o.Other {
		all = append(all, "    (text) "+s)
	}
	if len(all) == 0 {
		return "    (no output)"
	}
	if n := len(all); n > shownLines {
		all = append([]string{fmt.Sprintf("    … %d earlier lines", n-shownLines)}, all[n-shownLines:]...)
	}
	return strings.Join(all, "\n")
}
