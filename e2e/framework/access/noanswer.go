package access

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Only an answer of the authorizer, or of the server after it, is a
// verdict. A 5xx, a 429 (API Priority and Fairness sheds load with it) or
// no response at all says nothing about RBAC: the Checker sends the request
// again, with backoff and honouring Retry-After, until an answer comes or
// NoAnswerTimeout passes; then the check fails as "no answer", never as
// allowed or denied.
//
// client-go would retry a 429 or 5xx that carries Retry-After by itself, up
// to 10 times, and the HTTP channel would not: the two channels would wait
// differently and a flapping server could give them different answers.
// So the client-go channel's transport hides Retry-After from client-go
// (noClientRetries) and hands it to the Checker, whose one loop serves both
// channels and the access review alike. (client-go still retries a GET
// whose connection was reset by itself, after 1 s; that is a transport
// error, retried by the Checker for the HTTP channel too.)

const (
	// DefaultNoAnswerTimeout bounds how long a request is retried while it
	// gets no verdict.
	DefaultNoAnswerTimeout = 30 * time.Second
	// DefaultMaxRetryAfter bounds the wait a Retry-After header asks for.
	DefaultMaxRetryAfter = 10 * time.Second

	firstBackoff = 200 * time.Millisecond
	maxBackoff   = 3 * time.Second
)

// noVerdictCode tells status codes that are no answer about access.
func noVerdictCode(code int) bool {
	return code == 0 || code == http.StatusTooManyRequests || code >= 500
}

// noVerdict tells outcomes that say nothing about access.
func noVerdict(o Outcome) bool { return noVerdictCode(o.Code) && !serviceProxyAnswer(o) }

// serviceProxyAnswer tells the one 503 that is a verdict: the service
// proxy's own answer that the service has no endpoint to send to (on
// Kubernetes 1.37 also when the service does not exist). The proxy handler
// runs only after the authorizer said yes, and the answer comes at once, so
// retrying it would only wait out the bound.
func serviceProxyAnswer(o Outcome) bool {
	return o.Code == http.StatusServiceUnavailable && o.Reason == metav1.StatusReasonServiceUnavailable &&
		(strings.HasPrefix(o.Message, "no endpoints available for service ") || strings.HasPrefix(o.Message, "no service port "))
}

// answered tells whether an outcome is a verdict for e: what e expects, or
// any authorizer's or handler's answer. A certificate the client refuses is
// an answer too (it will not change on a retry).
func answered(e Expectation, o Outcome) bool {
	return e.Met(o) || !noVerdict(o) || refusedCertificate(o)
}

// reviewAnswered tells whether a review got an answer from the authorizer.
func reviewAnswered(rv Review) bool {
	if rv.Err == nil {
		return true
	}
	var status apierrors.APIStatus
	if errors.As(rv.Err, &status) {
		return !noVerdictCode(int(status.Status().Code))
	}
	return refusedCertificate(Outcome{Err: rv.Err})
}

// retryAfterOf is the wait a 429 or 5xx asks for in Retry-After: seconds,
// or an HTTP date; 0 when it asks for none.
func retryAfterOf(resp *http.Response) time.Duration {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500 {
		return 0
	}
	return parseRetryAfter(resp.Header.Get("Retry-After"))
}

func parseRetryAfter(h string) time.Duration {
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(h); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// Tries is how often a request was sent before it got its answer (or the
// bound passed), and how long that took.
type Tries struct {
	N    int
	Took time.Duration
}

func (t Tries) String() string {
	if t.N == 1 {
		return fmt.Sprintf("1 try in %s", t.Took.Round(time.Millisecond))
	}
	return fmt.Sprintf("%d tries in %s", t.N, t.Took.Round(time.Millisecond))
}

func (c *Checker) noAnswerTimeout() time.Duration {
	if c.NoAnswerTimeout > 0 {
		return c.NoAnswerTimeout
	}
	return DefaultNoAnswerTimeout
}

func (c *Checker) maxRetryAfter() time.Duration {
	if c.MaxRetryAfter > 0 {
		return c.MaxRetryAfter
	}
	return DefaultMaxRetryAfter
}

// untilAnswered calls try until it reports an answer or the bound passes;
// try returns the wait its server asked for (0: none). Each try is itself
// bounded by NoAnswerTimeout, so a server that never responds is a timeout.
func (c *Checker) untilAnswered(ctx context.Context, try func(context.Context) (bool, time.Duration)) Tries {
	bound := c.noAnswerTimeout()
	start := time.Now()
	deadline := start.Add(bound)
	backoff := firstBackoff
	for n := 1; ; n++ {
		tctx, cancel := context.WithTimeout(ctx, bound)
		ok, retryAfter := try(tctx)
		cancel()
		left := time.Until(deadline)
		if ok || ctx.Err() != nil || left <= 0 {
			return Tries{N: n, Took: time.Since(start)}
		}
		wait := backoff
		if retryAfter > 0 {
			wait = min(retryAfter, c.maxRetryAfter())
		}
		backoff = min(2*backoff, maxBackoff)
		t := time.NewTimer(min(wait, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return Tries{N: n, Took: time.Since(start)}
		case <-t.C:
		}
	}
}

// doChannel sends r through ch until it gets a verdict for e.
func (c *Checker) doChannel(ctx context.Context, ch Channel, s Subject, r Request, e Expectation) ChannelOutcome {
	var o Outcome
	tries := c.untilAnswered(ctx, func(ctx context.Context) (bool, time.Duration) {
		c.Requests[ch.Name()].Add(1)
		o = ch.Do(ctx, s, r)
		return answered(e, o), o.RetryAfter
	})
	return ChannelOutcome{Channel: ch.Name(), Outcome: o, Tries: tries}
}

// review asks the access review until the authorizer answers.
func (c *Checker) review(ctx context.Context, s Subject, r Request) *Review {
	var rv Review
	tries := c.untilAnswered(ctx, func(ctx context.Context) (bool, time.Duration) {
		c.Requests["review"].Add(1)
		ctx, rec := withAnswerRecorder(ctx)
		rv = c.ClientGo.Review(ctx, s, r)
		return reviewAnswered(rv), rec.retryAfter
	})
	rv.Tries = tries
	return &rv
}

type answerKey struct{}

// answerRecord is where noClientRetries leaves the Retry-After it hid.
type answerRecord struct{ retryAfter time.Duration }

func withAnswerRecorder(ctx context.Context) (context.Context, *answerRecord) {
	rec := &answerRecord{}
	return context.WithValue(ctx, answerKey{}, rec), rec
}

// noClientRetries is a client-go WrapTransport that removes Retry-After
// from 429 and 5xx responses, so client-go does not retry them on its own
// (see the top of this file), and records it for the Checker.
func noClientRetries(rt http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := rt.RoundTrip(req)
		if resp == nil || resp.Header.Get("Retry-After") == "" || !noVerdictCode(resp.StatusCode) {
			return resp, err
		}
		if rec, ok := req.Context().Value(answerKey{}).(*answerRecord); ok {
			rec.retryAfter = retryAfterOf(resp)
		}
		resp.Header.Del("Retry-After")
		return resp, err
	})
}
