package access

import (
	"context"
	"sync/atomic"
	"time"
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
	// Requests counts requests made per channel ("client-go", "http", "review"),
	// retries included.
	Requests map[string]*atomic.Int64
	// NoAnswerTimeout bounds the retries of a request or review that gets
	// no verdict (429, 5xx, no response); DefaultNoAnswerTimeout when 0.
	NoAnswerTimeout time.Duration
	// MaxRetryAfter bounds the wait a Retry-After asks for;
	// DefaultMaxRetryAfter when 0.
	MaxRetryAfter time.Duration
}

// NewChecker builds both channels for an API server trusted through caPEM,
// proxied as the environment says.
func NewChecker(host string, caPEM []byte) (*Checker, error) {
	return NewCheckerFor(Connection{Host: host, CAData: caPEM})
}

// NewCheckerFor builds both channels from the same connection settings.
func NewCheckerFor(conn Connection) (*Checker, error) {
	h, err := NewHTTPChannelFor(conn)
	if err != nil {
		return nil, err
	}
	counts := map[string]*atomic.Int64{}
	for _, n := range countedChannels {
		counts[n] = &atomic.Int64{}
	}
	return &Checker{ClientGo: NewClientGoChannelFor(conn), HTTP: h, Requests: counts}, nil
}

// Do runs the request through both channels and the review.
func (c *Checker) Do(ctx context.Context, s Subject, r Request, e Expectation) Result {
	return c.do(ctx, Result{Subject: s, Request: r, Expect: e}, func(string) Request { return r })
}

// do makes through each channel the request forChannel gives it, then the
// review of the first channel's request; each is retried until it gets a
// verdict (see noanswer.go).
func (c *Checker) do(ctx context.Context, res Result, forChannel func(channel string) Request) Result {
	chans := c.channels()
	for _, ch := range chans {
		res.Outcomes = append(res.Outcomes, c.doChannel(ctx, ch, res.Subject, forChannel(ch.Name()), res.Expect))
	}
	if res.Subject.HasCredentials() && res.Expect.reviewApplies() {
		res.Review = c.review(ctx, res.Subject, forChannel(chans[0].Name()))
	}
	return res
}

// ReviewOnly judges a request by the access review alone, sending nothing
// through the channels: for requests that no harmless form exists for
// (why says so, e.g. "review only: sending it could change the server").
func (c *Checker) ReviewOnly(ctx context.Context, s Subject, r Request, e Expectation, why string) Result {
	res := Result{Subject: s, Request: r, Expect: e, ReviewOnly: why}
	res.Review = c.review(ctx, s, r)
	return res
}

// Check is Do, returning an error that tells the whole story when any channel
// misses the expectation, the channels disagree, or the review disagrees.
func (c *Checker) Check(ctx context.Context, s Subject, r Request, e Expectation) error {
	return c.Do(ctx, s, r, e).Err()
}
