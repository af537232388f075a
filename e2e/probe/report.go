package main

import (
	"encoding/json"
	"io"
	"time"

	"rbac-e2e/e2e/framework/secrets"
	"rbac-e2e/e2e/probe/wire"
)

// reporter prints one JSON line per attempt and remembers the first failed
// API request since it was last asked.
type reporter struct {
	enc    *json.Encoder
	seq    int
	failed *wire.Line
}

func newReporter(w io.Writer) *reporter { return &reporter{enc: json.NewEncoder(w)} }

func (r *reporter) report(l wire.Line) {
	// Error texts and bodies come from elsewhere; none may carry a credential.
	l.Message, l.Value = secrets.RedactString(l.Message), secrets.RedactString(l.Value)
	r.seq++
	l.Seq, l.Time = r.seq, time.Now().UTC()
	_ = r.enc.Encode(l)
	isRequest := l.Channel == wire.ChannelClientGo || l.Channel == wire.ChannelHTTP
	if isRequest && !l.OK && r.failed == nil {
		r.failed = &l
	}
}

// firstFailure returns the first failed request since the last call, or nil.
func (r *reporter) firstFailure() *wire.Line {
	f := r.failed
	r.failed = nil
	return f
}
