package access

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

// Channel is one way of making a request.
type Channel interface {
	Name() string
	Do(ctx context.Context, s Subject, r Request) Outcome
}

// Checker makes every request through both channels and, where it applies,
// an access review with the same token, and compares all of them.
type Checker struct {
	ClientGo *ClientGoChannel
	HTTP     *HTTPChannel
	// Requests counts requests made per channel ("client-go", "http", "review").
	Requests map[string]*atomic.Int64
}

// NewChecker builds both channels for an API server trusted through caPEM.
func NewChecker(host string, caPEM []byte) (*Checker, error) {
	h, err := NewHTTPChannel(host, caPEM)
	if err != nil {
		return nil, err
	}
	counts := map[string]*atomic.Int64{}
	for _, n := range countedChannels {
		counts[n] = &atomic.Int64{}
	}
	return &Checker{ClientGo: NewClientGoChannel(host, caPEM), HTTP: h, Requests: counts}, nil
}

// Result is everything one check saw.
type Result struct {
	Subject  Subject
	Request  Request
	Expect   Expectation
	Outcomes []ChannelOutcome
	Review   *Review // nil where no review applies
	// ReviewOnly, when set, says why no request was sent: the row was
	// judged by the access review alone (see Checker.ReviewOnly).
	ReviewOnly string
}

// ChannelOutcome is the outcome of one channel.
type ChannelOutcome struct {
	Channel string
	Outcome
}

// Do runs the request through both channels and the review.
func (c *Checker) Do(ctx context.Context, s Subject, r Request, e Expectation) Result {
	return c.do(ctx, Result{Subject: s, Request: r, Expect: e}, func(string) Request { return r })
}

// do makes through each channel the request forChannel gives it, then the
// review of the first channel's request.
func (c *Checker) do(ctx context.Context, res Result, forChannel func(channel string) Request) Result {
	chans := c.channels()
	for _, ch := range chans {
		c.Requests[ch.Name()].Add(1)
		res.Outcomes = append(res.Outcomes, ChannelOutcome{ch.Name(), ch.Do(ctx, res.Subject, forChannel(ch.Name()))})
	}
	if res.Subject.BearerToken() != "" && res.Expect.reviewApplies() {
		c.Requests["review"].Add(1)
		rv := c.ClientGo.Review(ctx, res.Subject, forChannel(chans[0].Name()))
		res.Review = &rv
	}
	return res
}

// ReviewOnly judges a request by the access review alone, sending nothing
// through the channels: for requests that no harmless form exists for
// (why says so, e.g. "review only: sending it could change the server").
func (c *Checker) ReviewOnly(ctx context.Context, s Subject, r Request, e Expectation, why string) Result {
	res := Result{Subject: s, Request: r, Expect: e, ReviewOnly: why}
	c.Requests["review"].Add(1)
	rv := c.ClientGo.Review(ctx, s, r)
	res.Review = &rv
	return res
}

// Check is Do, returning an error that tells the whole story when any channel
// misses the expectation, the channels disagree, or the review disagrees.
func (c *Checker) Check(ctx context.Context, s Subject, r Request, e Expectation) error {
	return c.Do(ctx, s, r, e).Err()
}

// Failures lists what went wrong; empty when the check passed.
func (res Result) Failures() []string {
	var fails []string
	for _, o := range res.Outcomes {
		if !res.Expect.Met(o.Outcome) {
			fails = append(fails, o.Channel+" missed the expectation")
		}
	}
	if len(res.Outcomes) == 2 && res.Outcomes[0].Code != res.Outcomes[1].Code {
		fails = append(fails, "the channels disagree")
	}
	if rv := res.Review; rv != nil {
		want := res.Expect.reviewAllows()
		if rv.Err != nil || rv.Allowed != want {
			fails = append(fails, "the access review disagrees")
		}
	}
	return fails
}

// Err is nil when the check passed, else a report naming subject, request,
// channel, expected and got.
func (res Result) Err() error {
	fails := res.Failures()
	if len(fails) == 0 {
		return nil
	}
	return &CheckError{Summary: strings.Join(fails, "; "), Result: res}
}

// CheckError is a failed check; Gomega prints it as its report alone.
type CheckError struct {
	Summary string
	Result  Result
}

func (e *CheckError) Error() string { return e.Summary + "\n" + e.Result.Report() }

// GomegaString replaces the dump of the error's fields that Gomega prints
// after its message: the message already holds the whole report.
func (e *CheckError) GomegaString() string { return "(" + e.Summary + ")" }

// Report is the multi-line account of a check.
func (res Result) Report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  subject:  %s\n", res.Subject)
	fmt.Fprintf(&b, "  request:  %s\n", res.Request)
	fmt.Fprintf(&b, "  expected: %s\n", res.Expect)
	for _, o := range res.Outcomes {
		mark := "ok"
		if !res.Expect.Met(o.Outcome) {
			mark = "MISMATCH"
		}
		fmt.Fprintf(&b, "  %-9s got %s [%s]\n", o.Channel+":", o.Outcome, mark)
		if mark != "ok" && len(o.Body) > 0 {
			fmt.Fprintf(&b, "             body: %s\n", clip(o.Body, 400))
		}
	}
	if rv := res.Review; rv != nil {
		want := res.Expect.reviewAllows()
		mark := "ok"
		if rv.Err != nil || rv.Allowed != want {
			mark = "MISMATCH"
		}
		fmt.Fprintf(&b, "  review:   expected allowed=%t, got %s [%s]\n", want, rv, mark)
	}
	return b.String()
}

func clip(b []byte, n int) string {
	s := strings.TrimSpace(string(b))
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
